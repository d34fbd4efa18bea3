"""Stage 3, validate: the overlaid document must be valid OpenAPI 3.0 or 3.1.

openapi-spec-validator checks the document against the OpenAPI meta-schema and the rules the
meta-schema cannot express (unique operationIds, declared path parameters, resolvable $refs).
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from .errors import PipelineError, json_pointer

MAX_REPORTED_ERRORS = 5


def openapi_version(spec: dict[str, Any], source: str) -> str:
    version = spec.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.")):
        hint = "Swagger 2.0 documents must be converted to OpenAPI 3 first" if "swagger" in spec else None
        raise PipelineError(
            "validate",
            f"unsupported OpenAPI version {version!r} (expected 3.0.x or 3.1.x)",
            location=f"{source} {json_pointer('openapi')}",
            hint=hint,
        )
    return version


def validate_spec(spec: dict[str, Any], source: str) -> None:
    """Raise a PipelineError listing the first few problems, each with its JSON pointer."""
    version = openapi_version(spec, source)
    if not isinstance(spec.get("paths"), dict):
        raise PipelineError(
            "validate", "the document has no paths object", location=f"{source} {json_pointer('paths')}"
        )

    # Imported here: the validator is the slowest import of the pipeline and --check rarely needs it.
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1.") else OpenAPIV30SpecValidator
    errors: list[Any] = []
    iterator = validator_class(spec).iter_errors()
    try:
        errors.extend(islice(iterator, MAX_REPORTED_ERRORS))
    except RecursionError as exc:
        raise PipelineError("validate", "a $ref cycle the validator cannot follow", location=source) from exc
    except Exception as exc:
        # The validator's semantic checks can crash on a document its schema check already
        # rejected (or on an unresolvable $ref); report what it found before it crashed.
        if not errors:
            raise PipelineError(
                "validate",
                f"the document is not valid OpenAPI (the validator stopped on {type(exc).__name__}: {exc})",
                location=source,
            ) from exc
    if errors:
        lines = []
        for error in errors:
            path = getattr(error, "absolute_path", None) or getattr(error, "path", None) or ()
            pointer = json_pointer(*path) if path else "#"
            message = str(getattr(error, "message", error)).splitlines()[0]
            lines.append(f"{pointer}: {message[:300]}")
        raise PipelineError(
            "validate",
            "the document is not valid OpenAPI:\n    " + "\n    ".join(lines),
            location=source,
        )
