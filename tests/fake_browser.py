"""A browser's DevTools WebSocket on 127.0.0.1 (websockets' own server), scripted by each command's
method, for the tests of chaser_core.cdp and the README's CDP example."""

from __future__ import annotations

import json
import threading
from typing import Any

from websockets.sync.server import Server, ServerConnection, serve

# What a browser answers to the commands the README sends; other methods are echoed back.
RESULTS: dict[str, Any] = {
    "Browser.getVersion": {"product": "HeadlessChrome/130.0.6723.58", "protocolVersion": "1.3"},
    "Target.createTarget": {"targetId": "T-1"},
    "Target.closeTarget": {"success": True},
}


class FakeBrowser:
    """The browser end of the CDP socket, scripted by the method of each command."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.replied: list[int] = []
        self.handshake_headers: list[dict[str, str]] = []
        self.hold_received = threading.Event()
        self._server: Server = serve(self.handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/devtools/browser/b-1"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def reply(self, socket: ServerConnection, command_id: int, result: Any) -> None:
        self.replied.append(command_id)
        socket.send(json.dumps({"id": command_id, "result": result}))

    def handle(self, socket: ServerConnection) -> None:
        assert socket.request is not None
        self.handshake_headers.append(
            {name.lower(): value for name, value in socket.request.headers.raw_items()}
        )
        held: list[int] = []
        for raw in socket:
            message = json.loads(raw)
            self.received.append(message)
            command_id, method = message["id"], message["method"]
            if method == "Page.navigate":  # events first, then the answer
                socket.send(json.dumps({"method": "Page.frameStartedLoading", "params": {"frameId": "F1"}}))
                socket.send(json.dumps({"method": "Page.loadEventFired", "params": {"timestamp": 1.5}}))
                self.reply(socket, command_id, {"frameId": "F1"})
            elif method == "Fail.always":
                error = {"code": -32601, "message": "'Fail.always' wasn't found", "data": {"hint": "typo"}}
                socket.send(json.dumps({"id": command_id, "error": error}))
            elif method == "Close.now":
                socket.close(1011, "browser crashed")
                return
            elif method == "Never.answer":
                continue
            elif method == "Hold":  # answered after Release, out of order
                held.append(command_id)
                self.hold_received.set()
            elif method == "Release":
                self.reply(socket, command_id, {"released": True})
                for waiting in held:
                    self.reply(socket, waiting, {"held": True})
            elif method == "Garbage.then.answer":  # unparseable and unknown messages are skipped
                socket.send("not json")
                socket.send(json.dumps({"neither": "id nor method"}))
                self.reply(socket, command_id, {"ok": True})
            else:
                self.reply(
                    socket, command_id, RESULTS.get(method, {"echo": method, "params": message.get("params")})
                )
