"""The loopback server (the per-call benchmark's, and tests/reliability's), and the paginated mock
of the memory benchmark."""

from __future__ import annotations

import http.client
import json

import httpx
from chaser_codegen.bench import loopback, workers


def test_serves_many_requests_on_one_keep_alive_connection():
    with loopback.LoopbackServer() as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        for _ in range(5):
            connection.request("GET", "/v1/sessions/s1")
            response = connection.getresponse()
            assert response.status == 200
            assert response.version == 11
            assert response.getheader("Content-Type") == "application/json"
            assert json.loads(response.read()) == loopback.SESSION_INFO
            assert not response.will_close
        connection.close()
        assert server.total_requests == 5
        assert len(server.connections) == 1


def test_httpx_clients_reuse_their_connection():
    with loopback.LoopbackServer() as server, httpx.Client() as client:
        for _ in range(10):
            assert client.get(f"{server.base_url}/v1/sessions/s1").json()["id"] == "s1"
        assert (server.total_requests, len(server.connections)) == (10, 1)


def test_the_sdk_reads_the_served_session():
    from chaser_core import Chaser

    with (
        loopback.LoopbackServer() as server,
        Chaser(api_key=loopback.BENCH_API_KEY, base_url=server.base_url) as client,
    ):
        for _ in range(3):
            session = client.sessions.get("s1")
            assert (session.id, session.status) == ("s1", "ready")
        assert len(server.connections) == 1


def test_serves_a_custom_body():
    with loopback.LoopbackServer(loopback.answer_json(b'{"ok":true}')) as server:
        assert httpx.get(server.base_url + "/anything").json() == {"ok": True}


def test_a_planned_endpoint_takes_its_steps_in_turn_and_the_rest_get_the_default():
    def not_found(handler: loopback.Handler) -> None:
        handler.send_response(404)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with loopback.LoopbackServer() as server, httpx.Client(base_url=server.base_url) as client:
        server.plan("GET", "/v1/sessions/s2", not_found, loopback.answer_json(b'{"second":true}'))
        answers = [client.get("/v1/sessions/s2") for _ in range(3)]
        assert [answer.status_code for answer in answers] == [404, 200, 200]
        assert answers[2].json() == {"second": True}
        assert client.get("/v1/sessions/s1").json() == loopback.SESSION_INFO
        assert server.attempts("GET", "/v1/sessions/s2") == 3
        assert server.total_requests == 4


def test_paginated_mock_serves_pages_until_the_total():
    handler, served = workers.paginated_handler(total=250, page_size=100)
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        sizes = []
        for offset in (0, 100, 200, 300):
            page = client.get(
                "https://api.chaser.sh/v1/sessions", params={"limit": 100, "offset": offset}
            ).json()
            assert page["total"] == 250
            sizes.append(len(page["sessions"]))
    assert sizes == [100, 100, 50, 0]
    assert served == {"pages": 4, "items": 250}


def test_the_sdk_iterates_every_item_of_the_paginated_mock():
    from chaser_core import Chaser

    handler, served = workers.paginated_handler(total=1234, page_size=100)
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with Chaser(api_key=loopback.BENCH_API_KEY, base_url="https://api.chaser.sh", http_client=http) as client:
        assert sum(1 for _ in client.sessions.list(limit=100)) == 1234
    assert served == {"pages": 13, "items": 1234}


def test_pagination_worker_reports_a_peak():
    result = workers.worker_pagination({"items": 500, "page_size": 100, "mode": "sync", "warmup_items": 200})
    assert result["items"] == 500
    assert result["pages_served"] == 5
    assert result["peak_bytes"] > 0
