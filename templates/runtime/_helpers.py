"""Hand-written conveniences kept from the official chaser-sdk 0.2.1, on top of generated methods.

The overlay binds each class to its resource (x-chaser-sdk-helpers), and the pipeline reads this file
with `ast` to check that every method a helper calls (`__requires__`) still exists in the spec;
generation fails, naming the helper, when one disappears. Helpers for URLs that the spec does
not describe (the session gateway, port forwards and the PTY WebSocket) live here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from urllib.parse import quote, urlencode

from ._exceptions import ChaserError

if TYPE_CHECKING:
    from ._base_client import BaseClient
    from ._files import FileInput
    from .cdp import AsyncCdpClient, CdpClient


class _HasClient(Protocol):
    @property
    def _client(self) -> BaseClient: ...


class _SyncFiles(Protocol):
    def upload(self, id: str, *, file: FileInput, path: str) -> Any: ...
    def download(self, id: str, *, path: str) -> bytes: ...


class _AsyncFiles(Protocol):
    async def upload(self, id: str, *, file: FileInput, path: str) -> Any: ...
    async def download(self, id: str, *, path: str) -> bytes: ...


class FilesHelpers:
    __requires__: ClassVar[tuple[str, ...]] = ("upload", "download")

    def upload_text(self: _SyncFiles, session_id: str, path: str, text: str, *, filename: str = "upload.txt") -> Any:
        """Upload `text` (UTF-8) to `path` inside a sandbox session."""
        return self.upload(session_id, file=(filename, text, "text/plain; charset=utf-8"), path=path)

    def download_text(self: _SyncFiles, session_id: str, path: str, *, encoding: str = "utf-8") -> str:
        """Download the file at `path` inside a sandbox session and decode it."""
        return self.download(session_id, path=path).decode(encoding)


class AsyncFilesHelpers:
    __requires__: ClassVar[tuple[str, ...]] = ("upload", "download")

    async def upload_text(
        self: _AsyncFiles, session_id: str, path: str, text: str, *, filename: str = "upload.txt"
    ) -> Any:
        """Upload `text` (UTF-8) to `path` inside a sandbox session."""
        return await self.upload(session_id, file=(filename, text, "text/plain; charset=utf-8"), path=path)

    async def download_text(self: _AsyncFiles, session_id: str, path: str, *, encoding: str = "utf-8") -> str:
        """Download the file at `path` inside a sandbox session and decode it."""
        return (await self.download(session_id, path=path)).decode(encoding)


class SessionsHelpers:
    """URLs of a session that the REST spec does not describe (gateway, forwards, PTY)."""

    __requires__: ClassVar[tuple[str, ...]] = ()

    def gateway_url(self: _HasClient, session_id: str, tail: str = "") -> str:
        """The HTTPS gateway of a session: {base_url}/s/{session_id}{tail}."""
        tail = tail if not tail or tail.startswith("/") else f"/{tail}"
        return f"{_base(self)}/s/{quote(session_id, safe='')}{tail}"

    def forward_url(self: _HasClient, session_id: str, port: int, tail: str = "/") -> str:
        """A port forwarded from inside the session: {base_url}/s/{session_id}/forward/{port}/..."""
        if not 0 < int(port) < 65536:
            raise ValueError(f"port must be 1-65535, got {port}")
        return f"{_base(self)}/s/{quote(session_id, safe='')}/forward/{int(port)}/{tail.removeprefix('/')}"

    def pty_websocket_url(self: _HasClient, session_id: str, *, mode: str = "human") -> str:
        """The WebSocket URL of the session's PTY (wss:// for an https base URL)."""
        base = _base(self)
        scheme, rest = base.split("://", 1)
        ws_scheme = "wss" if scheme == "https" else "ws"
        return f"{ws_scheme}://{rest}/v1/sessions/{quote(session_id, safe='')}/pty?{urlencode({'mode': mode})}"


class _SyncBrowser(Protocol):
    def version(self, id: str) -> Any: ...
    def cdp_websocket_url(self, session_id: str) -> str: ...


class _AsyncBrowser(Protocol):
    async def version(self, id: str) -> Any: ...
    async def cdp_websocket_url(self, session_id: str) -> str: ...


def _debugger_url(session_id: str, version: Any) -> str:
    url = getattr(version, "web_socket_debugger_url", None)
    if not isinstance(url, str) or not url:
        raise ChaserError(f"browser session {session_id} exposes no webSocketDebuggerUrl (is it ready?)")
    return url


class BrowserHelpers:
    __requires__: ClassVar[tuple[str, ...]] = ("version",)

    def cdp_websocket_url(self: _SyncBrowser, session_id: str) -> str:
        """The Chrome DevTools Protocol WebSocket URL of a ready browser session, for a CDP client
        such as Playwright's connect_over_cdp(). Call sessions.wait_until_ready() first."""
        return _debugger_url(session_id, self.version(session_id))

    def cdp(self: _SyncBrowser, session_id: str, *, timeout: float | None = 30.0) -> CdpClient:
        """A connected CdpClient on the browser session (the `cdp` extra), closed at the end of
        `with client.browser.cdp(session_id) as cdp:`. `timeout` is each command's default
        (seconds). Call sessions.wait_until_ready() first."""
        from .cdp import CdpClient

        return CdpClient(self.cdp_websocket_url(session_id), timeout=timeout).connect()


class AsyncBrowserHelpers:
    __requires__: ClassVar[tuple[str, ...]] = ("version",)

    async def cdp_websocket_url(self: _AsyncBrowser, session_id: str) -> str:
        """The Chrome DevTools Protocol WebSocket URL of a ready browser session, for a CDP client
        such as Playwright's connect_over_cdp(). Call sessions.wait_until_ready() first."""
        return _debugger_url(session_id, await self.version(session_id))

    async def cdp(self: _AsyncBrowser, session_id: str, *, timeout: float | None = 30.0) -> AsyncCdpClient:
        """A connected AsyncCdpClient on the browser session (the `cdp` extra), closed at the end of
        `async with await client.browser.cdp(session_id) as cdp:`. `timeout` is each command's default
        (seconds). Call sessions.wait_until_ready() first."""
        from .cdp import AsyncCdpClient

        return await AsyncCdpClient(await self.cdp_websocket_url(session_id), timeout=timeout).connect()


class AsyncSessionsHelpers(SessionsHelpers):
    """Building URLs does no I/O, so the async resource shares the sync helpers."""

    __requires__: ClassVar[tuple[str, ...]] = ()


def _base(resource: _HasClient) -> str:
    return str(resource._client.base_url).rstrip("/")
