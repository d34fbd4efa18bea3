"""Uploads from bytes, text, paths or file objects; downloads streamed to a path or file object.

An upload is read into memory once, after its size is checked against the documented limit
(x-chaser-max-bytes in the overlay): a retry must send the same bytes again, which a half-consumed
file object cannot do, and no upload exceeds 16 MB. A download is never held in memory: it is
written chunk by chunk, to a temporary file that replaces the destination only when complete.
"""

from __future__ import annotations

import io
import mimetypes
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any, TypeAlias

from ._api.types import File, Unset
from ._exceptions import UploadTooLargeError

FileContent: TypeAlias = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]
#: What upload methods accept: bytes, text (sent as UTF-8), a path, a binary file object, or
#: (filename, content) / (filename, content, content_type) to choose the name and type.
FileInput: TypeAlias = FileContent | tuple[str, FileContent] | tuple[str, FileContent, str]

DEFAULT_FILENAME = "upload.bin"


def to_file(value: FileInput, *, field: str, limit: int | None) -> File:
    """Check and read an upload argument into the low-level layer's File."""
    filename: str | None = None
    content_type: str | None = None
    content: FileContent
    if isinstance(value, tuple):
        if len(value) == 2:
            filename, content = value
        elif len(value) == 3:
            filename, content, content_type = value
        else:
            raise TypeError(f"{field}: expected (filename, content) or (filename, content, content_type)")
    else:
        content = value
    data, default_name = _read(content, field=field, limit=limit)
    filename = filename or default_name or DEFAULT_FILENAME
    if content_type is None:
        content_type = "text/plain; charset=utf-8" if isinstance(content, str) else _guess_type(filename)
    return File(payload=io.BytesIO(data), file_name=filename, mime_type=content_type)


def uploads(value: Any, *, field: str, limit: int | None) -> Any:
    """Every upload in an argument that takes several (a list) or one or several: each item
    read like any upload; a File (or UNSET) passes as it is."""
    if isinstance(value, File | Unset):
        return value
    if isinstance(value, list):
        return [uploads(item, field=field, limit=limit) for item in value]
    return to_file(value, field=field, limit=limit)


def _guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _check(size: int, *, field: str, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise UploadTooLargeError(
            f"{field} is {size:,} bytes; the API accepts at most {limit:,} bytes per file",
            size=size,
            limit=limit,
        )


def _read(content: FileContent, *, field: str, limit: int | None) -> tuple[bytes, str | None]:
    if isinstance(content, str):
        data = content.encode("utf-8")
        _check(len(data), field=field, limit=limit)
        return data, None
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        _check(len(data), field=field, limit=limit)
        return data, None
    if isinstance(content, os.PathLike):
        path = Path(content)
        _check(path.stat().st_size, field=field, limit=limit)
        return path.read_bytes(), path.name
    if hasattr(content, "read"):
        name = getattr(content, "name", None)
        name = Path(name).name if isinstance(name, str) else None
        # Read one byte past the limit: enough to know it is too large, without reading it all.
        chunk: Any = content.read() if limit is None else content.read(limit + 1)
        if isinstance(chunk, str):
            raise TypeError(f"{field}: open the file in binary mode ('rb')")
        _check(len(chunk), field=field, limit=limit)
        return bytes(chunk), name
    raise TypeError(f"{field}: expected bytes, str, a path or a binary file object, got {type(content).__name__}")


def write_stream(chunks: Iterator[bytes], destination: str | os.PathLike[str] | IO[bytes]) -> int:
    """Write chunks to a file object, or atomically to a path. Returns the bytes written."""
    if not isinstance(destination, str | os.PathLike):
        written = 0
        for chunk in chunks:
            destination.write(chunk)
            written += len(chunk)
        return written
    target = Path(destination)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
        os.replace(temporary, target)
        return written
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


async def async_write_stream(chunks: AsyncIterator[bytes], destination: str | os.PathLike[str] | IO[bytes]) -> int:
    """Write chunks to a file object, or atomically to a path. Returns the bytes written."""
    if not isinstance(destination, str | os.PathLike):
        written = 0
        async for chunk in chunks:
            destination.write(chunk)
            written += len(chunk)
        return written
    target = Path(destination)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            async for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
        os.replace(temporary, target)
        return written
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
