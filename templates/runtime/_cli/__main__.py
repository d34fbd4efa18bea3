"""`python -m chaser_core._cli`: the chaser-core command, for agents that cannot find the script."""

from ._app import main

if __name__ == "__main__":
    main()
