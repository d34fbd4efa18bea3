"""`python -m chaser_codegen.bench` (scripts/bench, and the benchmark's own worker processes)."""

import sys

from .bench import main

sys.exit(main())
