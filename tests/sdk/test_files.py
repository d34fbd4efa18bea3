"""Uploads from bytes, text, paths and file objects (16 MB limit, checked first); streamed downloads."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from chaser_core import (
    APIConnectionError,
    ChaserError,
    InternalServerError,
    NotFoundError,
    UploadTooLargeError,
)
from chaser_core._api.models.session_file_upload_response import SessionFileUploadResponse

from .conftest import multipart_fields, run

pytestmark = pytest.mark.anyio

LIMIT = 16 * 1024 * 1024
UPLOAD_PATH = "/v1/sessions/s1/upload"
DOWNLOAD_PATH = "/v1/sessions/s1/download"


@pytest.fixture
def upload(api: respx.MockRouter) -> respx.Route:
    return api.post(UPLOAD_PATH).respond(json={"path": "/workspace/app.py", "size": 5})


def _fields(route: respx.Route) -> dict[str, tuple[str | None, str, bytes]]:
    return multipart_fields(route.calls.last.request)


async def test_upload_sends_multipart_with_the_path_and_file_fields(client: Any, upload: respx.Route) -> None:
    result = await run(client.files.upload("s1", file=b"print(1)\n", path="/workspace/app.py"))

    request = upload.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    fields = _fields(upload)
    assert set(fields) == {"file", "path"}
    assert fields["path"][2] == b"/workspace/app.py"
    assert fields["file"] == ("upload.bin", "application/octet-stream", b"print(1)\n")
    assert type(result) is SessionFileUploadResponse
    assert (result.path, result.size) == ("/workspace/app.py", 5)


async def test_upload_of_text_is_sent_as_utf8(client: Any, upload: respx.Route) -> None:
    await run(client.files.upload("s1", file="héllo", path="/tmp/a.txt"))

    assert _fields(upload)["file"] == ("upload.bin", "text/plain", "héllo".encode())


async def test_upload_of_a_path_uses_its_name_and_type(
    client: Any, upload: respx.Route, tmp_path: Path
) -> None:
    source = tmp_path / "config.json"
    source.write_bytes(b'{"a": 1}')

    await run(client.files.upload("s1", file=source, path="/workspace/config.json"))

    assert _fields(upload)["file"] == ("config.json", "application/json", b'{"a": 1}')


async def test_upload_of_a_binary_file_object_uses_its_name(
    client: Any, upload: respx.Route, tmp_path: Path
) -> None:
    source = tmp_path / "photo.png"
    source.write_bytes(b"\x89PNG\r\n")

    with source.open("rb") as handle:
        await run(client.files.upload("s1", file=handle, path="/workspace/photo.png"))

    assert _fields(upload)["file"] == ("photo.png", "image/png", b"\x89PNG\r\n")


async def test_upload_of_an_in_memory_file_object(client: Any, upload: respx.Route) -> None:
    await run(client.files.upload("s1", file=io.BytesIO(b"abc"), path="/x"))

    assert _fields(upload)["file"] == ("upload.bin", "application/octet-stream", b"abc")


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (lambda: ("notes.md", b"# hi"), ("notes.md", "text/markdown", b"# hi")),
        (lambda: ("data.bin", "text", "application/x-custom"), ("data.bin", "application/x-custom", b"text")),
        (lambda: ("report.csv", io.BytesIO(b"a,b")), ("report.csv", "text/csv", b"a,b")),
    ],
    ids=["name-and-bytes", "name-text-and-type", "name-and-file-object"],
)
async def test_upload_of_a_tuple_chooses_the_filename_and_content_type(
    client: Any, upload: respx.Route, file: Callable[[], Any], expected: tuple[str, str, bytes]
) -> None:
    await run(client.files.upload("s1", file=file(), path="/x"))

    assert _fields(upload)["file"] == expected


async def test_upload_of_a_text_mode_file_is_rejected(client: Any, upload: respx.Route) -> None:
    with pytest.raises(TypeError, match="binary mode"):
        await run(client.files.upload("s1", file=io.StringIO("text"), path="/x"))

    assert not upload.called


async def test_upload_of_an_unsupported_type_is_rejected(client: Any, upload: respx.Route) -> None:
    with pytest.raises(TypeError, match="expected bytes, str, a path or a binary file object"):
        await run(client.files.upload("s1", file=12345, path="/x"))

    assert not upload.called


async def test_upload_over_16_mb_raises_before_any_request(
    client: Any, api: respx.MockRouter, upload: respx.Route
) -> None:
    with pytest.raises(UploadTooLargeError) as caught:
        await run(client.files.upload("s1", file=b"\0" * (LIMIT + 1), path="/x"))

    assert isinstance(caught.value, ValueError)
    assert (caught.value.size, caught.value.limit) == (LIMIT + 1, LIMIT)
    assert "16,777,216" in str(caught.value)
    assert not api.calls


async def test_upload_of_a_path_over_16_mb_raises_without_reading_it(
    client: Any, api: respx.MockRouter, upload: respx.Route, tmp_path: Path
) -> None:
    big = tmp_path / "big.img"
    with big.open("wb") as handle:
        handle.truncate(LIMIT + 10)  # sparse: costs no disk

    with pytest.raises(UploadTooLargeError) as caught:
        await run(client.files.upload("s1", file=big, path="/x"))

    assert caught.value.size == LIMIT + 10
    assert not api.calls


async def test_upload_of_a_file_object_over_16_mb_raises_before_any_request(
    client: Any, api: respx.MockRouter, upload: respx.Route
) -> None:
    with pytest.raises(UploadTooLargeError):
        await run(client.files.upload("s1", file=("big.bin", io.BytesIO(bytes(LIMIT + 1))), path="/x"))

    assert not api.calls


async def test_upload_of_exactly_16_mb_is_sent(client: Any, upload: respx.Route) -> None:
    await run(client.files.upload("s1", file=bytes(LIMIT), path="/x"))

    assert len(_fields(upload)["file"][2]) == LIMIT


async def test_upload_is_not_resent_after_a_server_error(client: Any, api: respx.MockRouter) -> None:
    route = api.post(UPLOAD_PATH).respond(500, json={"error": "disk_full"})

    with pytest.raises(InternalServerError, match="disk_full"):
        await run(client.files.upload("s1", file=b"x", path="/x"))

    assert route.call_count == 1


async def test_upload_retried_after_429_sends_the_same_bytes(client: Any, api: respx.MockRouter) -> None:
    answers = iter([httpx.Response(429), httpx.Response(200, json={"path": "/x", "size": 3})])
    route = api.post(UPLOAD_PATH).mock(side_effect=lambda request: next(answers))

    await run(client.files.upload("s1", file=io.BytesIO(b"abc"), path="/x"))

    assert route.call_count == 2
    assert [multipart_fields(call.request)["file"][2] for call in route.calls] == [b"abc", b"abc"]


async def test_upload_text_helper(client: Any, upload: respx.Route) -> None:
    await run(client.files.upload_text("s1", "/workspace/notes.txt", "line 1\n", filename="notes.txt"))

    fields = _fields(upload)
    assert fields["file"] == ("notes.txt", "text/plain", b"line 1\n")
    assert fields["path"][2] == b"/workspace/notes.txt"


# -- downloads -------------------------------------------------------------------------------------


async def test_download_returns_bytes(client: Any, api: respx.MockRouter) -> None:
    route = api.get(DOWNLOAD_PATH).respond(
        200, content=b"\x00\x01binary", headers={"content-type": "application/octet-stream"}
    )

    data = await run(client.files.download("s1", path="/workspace/a.bin"))

    assert data == b"\x00\x01binary"
    assert route.calls.last.request.url.params["path"] == "/workspace/a.bin"


async def test_download_text_helper_decodes(client: Any, api: respx.MockRouter) -> None:
    api.get(DOWNLOAD_PATH).respond(200, content="héllo".encode("latin-1"))

    assert await run(client.files.download_text("s1", "/a.txt", encoding="latin-1")) == "héllo"


class _Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body sent in chunks; optionally failing after them like a dropped connection."""

    def __init__(self, chunks: list[bytes], fail: Exception | None = None) -> None:
        self.chunks = chunks
        self.fail = fail

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.fail:
            raise self.fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.fail:
            raise self.fail


async def test_download_to_file_streams_to_a_path(client: Any, api: respx.MockRouter, tmp_path: Path) -> None:
    api.get(DOWNLOAD_PATH).mock(
        return_value=httpx.Response(200, stream=_Chunks([b"part1-", b"part2-", b"end"]))
    )
    target = tmp_path / "out.bin"

    written = await run(client.files.download_to_file("s1", path="/a", destination=target))

    assert written == len(b"part1-part2-end")
    assert target.read_bytes() == b"part1-part2-end"
    assert sorted(tmp_path.iterdir()) == [target]


async def test_download_to_file_accepts_a_string_path_and_replaces_the_file(
    client: Any, api: respx.MockRouter, tmp_path: Path
) -> None:
    api.get(DOWNLOAD_PATH).respond(200, content=b"new")
    target = tmp_path / "out.txt"
    target.write_bytes(b"old contents")

    await run(client.files.download_to_file("s1", path="/a", destination=str(target)))

    assert target.read_bytes() == b"new"


async def test_download_to_file_writes_to_a_file_object(client: Any, api: respx.MockRouter) -> None:
    api.get(DOWNLOAD_PATH).mock(return_value=httpx.Response(200, stream=_Chunks([b"ab", b"cd"])))
    sink = io.BytesIO()

    written = await run(client.files.download_to_file("s1", path="/a", destination=sink))

    assert (written, sink.getvalue()) == (4, b"abcd")


async def test_download_to_file_leaves_no_partial_file_when_the_stream_breaks(
    client: Any, api: respx.MockRouter, tmp_path: Path
) -> None:
    broken = _Chunks([b"only the first half"], fail=httpx.ReadError("connection reset"))
    api.get(DOWNLOAD_PATH).mock(return_value=httpx.Response(200, stream=broken))
    target = tmp_path / "out.bin"
    target.write_bytes(b"previous version")

    with pytest.raises(APIConnectionError, match="ReadError"):
        await run(client.files.download_to_file("s1", path="/a", destination=target))

    assert target.read_bytes() == b"previous version"
    assert sorted(tmp_path.iterdir()) == [target]  # no temporary file left behind


async def test_download_to_file_of_an_error_status_raises_and_writes_nothing(
    client: Any, api: respx.MockRouter, tmp_path: Path
) -> None:
    api.get(DOWNLOAD_PATH).respond(404, json={"error": "not_found", "message": "no such file"})
    target = tmp_path / "out.bin"

    with pytest.raises(NotFoundError, match="no such file"):
        await run(client.files.download_to_file("s1", path="/missing", destination=target))

    assert list(tmp_path.iterdir()) == []


# -- session URLs --------------------------------------------------------------------------------------


async def test_session_url_helpers_build_gateway_forward_and_pty_urls(
    client: Any, api: respx.MockRouter
) -> None:
    sessions = client.sessions

    assert sessions.gateway_url("s1") == "https://api.chaser.sh/s/s1"
    assert sessions.gateway_url("s1", "app/index.html") == "https://api.chaser.sh/s/s1/app/index.html"
    assert sessions.forward_url("s1", 8080) == "https://api.chaser.sh/s/s1/forward/8080/"
    assert sessions.forward_url("s1", 3000, "/api?x=1") == "https://api.chaser.sh/s/s1/forward/3000/api?x=1"
    assert sessions.pty_websocket_url("s1") == "wss://api.chaser.sh/v1/sessions/s1/pty?mode=human"
    assert (
        sessions.pty_websocket_url("s/1", mode="agent")
        == "wss://api.chaser.sh/v1/sessions/s%2F1/pty?mode=agent"
    )
    assert not api.calls


async def test_session_url_helpers_follow_a_local_http_base_url(make_client: Any) -> None:
    sessions = make_client(base_url="http://localhost:8080/").sessions

    assert sessions.gateway_url("s1") == "http://localhost:8080/s/s1"
    assert sessions.pty_websocket_url("s1") == "ws://localhost:8080/v1/sessions/s1/pty?mode=human"


@pytest.mark.parametrize("port", [0, 65536, -1])
async def test_forward_url_rejects_an_invalid_port(client: Any, port: int) -> None:
    with pytest.raises(ValueError, match="port"):
        client.sessions.forward_url("s1", port)


async def test_cdp_websocket_url_reads_the_debugger_url_of_the_browser(
    client: Any, api: respx.MockRouter
) -> None:
    api.get("/v1/sessions/b1/json/version").respond(
        json={"Browser": "Chrome/130", "webSocketDebuggerUrl": "wss://x/devtools/b1"}
    )

    assert await run(client.browser.cdp_websocket_url("b1")) == "wss://x/devtools/b1"


async def test_cdp_websocket_url_of_a_browser_not_ready_raises(client: Any, api: respx.MockRouter) -> None:
    api.get("/v1/sessions/b1/json/version").respond(json={"Browser": "Chrome/130"})

    with pytest.raises(ChaserError, match="no webSocketDebuggerUrl"):
        await run(client.browser.cdp_websocket_url("b1"))
