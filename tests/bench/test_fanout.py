"""The fan-out benchmark's server and workers, on tiny runs (no timing asserted here)."""

from __future__ import annotations

import json
import socket

import pytest
from chaser_codegen.bench import fanout


@pytest.fixture(scope="module")
def server():
    with fanout.FanoutServer() as running:
        yield running


def _read_response(sock: socket.socket, buffer: bytes) -> tuple[bytes, bytes, bytes]:
    """(head, body, rest) of the next response in the stream."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = int(
        next(
            line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
    )
    while len(rest) < length:
        rest += sock.recv(65536)
    return head, rest[:length], rest[length:]


def test_answers_requests_split_across_writes_and_several_in_one_write_on_one_connection(server):
    body = json.dumps(fanout.EXEC_BODY).encode()
    post = b"POST /v1/sessions/s1/exec HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )
    get = b"GET /v1/sessions/s1 HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(post[:20])
        sock.sendall(post[20:-3])
        sock.sendall(post[-3:] + get + post)  # the end of one, then two whole requests at once
        buffer = b""
        bodies = []
        for _ in range(3):
            head, answer, buffer = _read_response(sock, buffer)
            assert head.startswith(b"HTTP/1.1 200 OK")
            bodies.append(json.loads(answer))
    assert bodies == [fanout.EXEC_RESULT, fanout.SESSION, fanout.EXEC_RESULT]


@pytest.mark.parametrize("kind", ["httpx+semaphore", "aiohttp", "chaser", "chaser-aiohttp"])
def test_a_small_fanout_gets_every_answer_and_reports_the_server_s_cpu(server, kind):
    result = fanout.worker_fanout({"url": server.url, "pool": 3, "n": 30, "rounds": 1, "clients": [kind]})

    (run,) = result["runs"][kind]
    assert run["errors"] == {}
    assert 0 < run["p50"] <= run["p99"]
    assert run["server_cpu"] >= 0


def test_memory_worker_reports_the_growth_of_the_resident_set(server):
    result = fanout.worker_memory({"client": "chaser", "url": server.url, "pool": 3, "n": 100})
    assert result["run"]["errors"] == {}
    assert result["peak_rss_bytes"] > 0
