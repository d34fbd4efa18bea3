"""The one error type of the pipeline: it names the stage that failed and where in the input."""

from __future__ import annotations


class PipelineError(Exception):
    """A stage refused its input. `location` points into the spec, the overlay or a template."""

    def __init__(self, stage: str, message: str, *, location: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        where = f" at {self.location}" if self.location else ""
        text = f"[{self.stage}]{where}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


def json_pointer(*parts: str | int) -> str:
    """RFC 6901 pointer for error messages, e.g. json_pointer("paths", "/v1/x", "get")."""
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + "/".join(escaped)
