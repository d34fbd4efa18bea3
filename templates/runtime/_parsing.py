"""Turn response bodies into the typed models openapi-python-client generated.

Each method describes its result with a small parser tree, written in the method where a reader
sees it (for example `model(SessionInfo)` or `field(model(Envelope), lambda body: body.accounts)`);
building one is a few object allocations, nothing next to the request it reads.
Parsing is lenient where an API grows: extra fields land in a model's `additional_properties`
and unknown enum values become members of their enum (see the str_enum template override).
What cannot be read as the documented shape raises `ResponseShapeError`, which the client
turns into `APIResponseValidationError` with the response attached.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any, Generic, Literal, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

Source = Literal["json", "bytes", "text", "none"]


class ResponseShapeError(Exception):
    """The body does not have the documented shape. `path` locates the problem in the body."""

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class _FromDict(Protocol[T_co]):
    @classmethod
    def from_dict(cls, src_dict: Any) -> T_co: ...


class Parser(Generic[T]):
    """Reads one decoded value. `source` says what the client must decode the body as."""

    source: Source = "json"

    def __call__(self, value: Any, path: str = "$") -> T:  # pragma: no cover - abstract
        raise NotImplementedError


class _Model(Parser[T]):
    def __init__(self, cls: Any) -> None:
        self.cls = cls

    def __call__(self, value: Any, path: str = "$") -> T:
        if not isinstance(value, dict):
            raise ResponseShapeError(f"expected an object for {self.cls.__name__}, got {type(value).__name__}", path)
        try:
            result: T = self.cls.from_dict(value)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            detail = f"missing required field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ResponseShapeError(f"cannot read {self.cls.__name__}: {detail}", path) from exc
        return result


class _Enum(Parser[T]):
    def __init__(self, cls: Any) -> None:
        self.cls = cls

    def __call__(self, value: Any, path: str = "$") -> T:
        try:
            result: T = self.cls(value)
        except (ValueError, TypeError) as exc:
            raise ResponseShapeError(f"{value!r} is not a {self.cls.__name__}", path) from exc
        return result


class _ListOf(Parser[list[T]]):
    def __init__(self, inner: Parser[T]) -> None:
        self.inner = inner

    def __call__(self, value: Any, path: str = "$") -> list[T]:
        if not isinstance(value, list):
            raise ResponseShapeError(f"expected an array, got {type(value).__name__}", path)
        inner = self.inner
        return [inner(item, f"{path}[{index}]") for index, item in enumerate(value)]


class _OneOf(Parser[Any]):
    def __init__(self, options: tuple[Parser[Any], ...]) -> None:
        self.options = options

    def __call__(self, value: Any, path: str = "$") -> Any:
        problems = []
        for option in self.options:
            try:
                return option(value, path)
            except ResponseShapeError as exc:
                problems.append(str(exc))
        raise ResponseShapeError("matches none of the documented shapes (" + "; ".join(problems) + ")", path)


class _Null(Parser[None]):
    def __call__(self, value: Any, path: str = "$") -> None:
        if value is not None:
            raise ResponseShapeError(f"expected null, got {type(value).__name__}", path)
        return None


class _Scalar(Parser[T]):
    def __init__(self, kind: type[T]) -> None:
        self.kind = kind

    def __call__(self, value: Any, path: str = "$") -> T:
        kind = self.kind
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)  # type: ignore[return-value]
        if not ok:
            raise ResponseShapeError(f"expected {kind.__name__}, got {type(value).__name__}", path)
        return value  # type: ignore[no-any-return]


class _Converted(Parser[T]):
    def __init__(self, name: str, convert: Callable[[str], T]) -> None:
        self.name = name
        self.convert = convert

    def __call__(self, value: Any, path: str = "$") -> T:
        if not isinstance(value, str):
            raise ResponseShapeError(f"expected a {self.name} string, got {type(value).__name__}", path)
        try:
            return self.convert(value)
        except ValueError as exc:
            raise ResponseShapeError(f"{value!r} is not a {self.name}", path) from exc


class _Any(Parser[Any]):
    def __call__(self, value: Any, path: str = "$") -> Any:
        return value


class _Field(Parser[T]):
    """Parse an envelope, then return one of its fields (x-chaser-unwrap)."""

    def __init__(self, envelope: Parser[Any], get: Callable[[Any], T]) -> None:
        self.envelope = envelope
        self.get = get

    def __call__(self, value: Any, path: str = "$") -> T:
        return self.get(self.envelope(value, path))


class _Raw(Parser[T]):
    def __init__(self, source: Source) -> None:
        self.source = source

    def __call__(self, value: Any, path: str = "$") -> T:
        return value  # type: ignore[no-any-return]


def model(cls: type[_FromDict[T]]) -> Parser[T]:
    return _Model(cls)


def enum(cls: Callable[[Any], T]) -> Parser[T]:
    return _Enum(cls)


def list_of(inner: Parser[T]) -> Parser[list[T]]:
    return _ListOf(inner)


def one_of(*options: Parser[Any]) -> Parser[Any]:
    return _OneOf(options)


def null() -> Parser[None]:
    return _Null()


def scalar(kind: type[T]) -> Parser[T]:
    return _Scalar(kind)


def datetime_() -> Parser[datetime.datetime]:
    from dateutil.parser import isoparse

    return _Converted("date-time", isoparse)


def date_() -> Parser[datetime.date]:
    return _Converted("date", datetime.date.fromisoformat)


def uuid_() -> Parser[uuid.UUID]:
    return _Converted("UUID", uuid.UUID)


def any_() -> Parser[Any]:
    return _Any()


E = TypeVar("E")


def field(envelope: Parser[E], get: Callable[[E], T]) -> Parser[T]:
    return _Field(envelope, get)


def bytes_() -> Parser[bytes]:
    return _Raw("bytes")


def text() -> Parser[str]:
    return _Raw("text")


def none_() -> Parser[None]:
    return _Raw("none")
