"""The names `import chaser_core` exports, and the runtime module each one comes from.

One table: the package's lazy loader (`_LAZY`), its TYPE_CHECKING imports and its `__all__` are
all rendered from it. The exceptions are those the runtime's `_exceptions.__all__` lists.
"""

from __future__ import annotations

from ...runtime_source import constant


def public_names() -> list[tuple[str, str]]:
    """(name, module relative to the package) of every top-level export, in the loader's order."""
    exceptions: list[str] = constant("_exceptions.py", "__all__")
    return [
        ("Chaser", "._client"),
        ("AsyncChaser", "._client"),
        ("DEFAULT_MAX_RETRIES", "._constants"),
        ("DEFAULT_TIMEOUT", "._constants"),
        ("InsecureBaseURLWarning", "._base_client"),
        *((name, "._exceptions") for name in exceptions),
        ("SyncPage", "._pagination"),
        ("AsyncPage", "._pagination"),
        ("AsyncPaginator", "._pagination"),
        ("APIResponse", "._response"),
        ("Stream", "._streaming"),
        ("AsyncStream", "._streaming"),
        ("ServerSentEvent", "._streaming"),
        ("NOT_GIVEN", "._types"),
        ("NotGiven", "._types"),
        ("UNSET", "._types"),
        ("Unset", "._types"),
    ]
