"""The chaser-core command-line interface (console script `chaser-core`)."""

from ._app import cli, main

__all__ = ["cli", "main"]
