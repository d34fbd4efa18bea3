"""Facts every part of chaser_codegen shares, each defined here once: where the repository is,
and the operations an OpenAPI path item can hold."""

from __future__ import annotations

from pathlib import Path

# The repository: scripts/chaser_codegen/layout.py is two levels below it.
ROOT = Path(__file__).resolve().parents[2]

# The fixed fields of an OpenAPI 3.x Path Item Object that hold an operation, in the order the
# specification lists them.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
