"""What http_client.py must do, from the task's spec (http-client.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``http_client.py``. Requests go to a server on 127.0.0.1 started by this file (no other
network). Interface assumed: ``HttpClient(base_url, timeout=, retries=, headers=,
cache_ttl=, sleep=)`` with ``request(method, path, params, json_body)`` (a response with
``status``, ``headers``, ``body``, ``json()``), ``get_json``, ``post_json``; the errors
``ClientError``, ``RateLimited``, ``ServerError``, ``RequestTimeout``, ``TransportError``,
``DecodeError``; ``build_url``, ``retry_after``, ``basic_auth``, ``bearer_auth``,
``api_key_auth``, ``redact``, ``RateLimiter(rate, burst, clock=, sleep=)``,
``parse_link_header``, ``paginate(client, path, ...)``.
"""

from __future__ import annotations

import base64
import importlib
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import ClassVar

import pytest

#: (method, path) → handler(request) returning (status, headers, body); set per test.
Route = Callable[["Handler"], tuple[int, dict[str, str], bytes]]


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[tuple[str, str], Route]] = {}
    seen: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        self.seen.append((self.command, self.path, dict(self.headers), body))
        route = self.routes.get((self.command, path))
        status, headers, data = route(self) if route else (404, {}, b'{"error": "none"}')
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hc() -> ModuleType:
    return importlib.import_module("http_client")


@pytest.fixture
def server() -> Iterator[str]:
    Handler.routes = {}
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _json(status: int, data: object, **headers: str) -> Route:
    body = json.dumps(data).encode()
    return lambda _request: (status, {"Content-Type": "application/json", **headers}, body)


def client(hc: ModuleType, base: str, **options: object) -> object:
    return hc.HttpClient(base, sleep=lambda _s: None, **options)


def test_get_json_builds_the_url_with_the_query(hc: ModuleType, server: str) -> None:
    Handler.routes[("GET", "/items")] = _json(200, {"items": [1, 2]})
    data = client(hc, server).get_json("/items", page=2, tag="a b")  # type: ignore[attr-defined]
    assert data == {"items": [1, 2]}
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(Handler.seen[0][1]).query)
    assert query == {"page": ["2"], "tag": ["a b"]}


def test_post_json_sends_a_json_body(hc: ModuleType, server: str) -> None:
    Handler.routes[("POST", "/things")] = lambda r: (
        201,
        {"Content-Type": "application/json"},
        json.dumps({"got": json.loads(Handler.seen[-1][3])}).encode(),
    )
    answer = client(hc, server).post_json("/things", {"name": "x", "n": 1})  # type: ignore[attr-defined]
    assert answer == {"got": {"name": "x", "n": 1}}
    headers = {k.lower(): v for k, v in Handler.seen[0][2].items()}
    assert headers["content-type"].startswith("application/json")


def test_default_headers_are_sent(hc: ModuleType, server: str) -> None:
    Handler.routes[("GET", "/h")] = _json(200, {})
    client(hc, server, headers={"X-Trace": "abc"}).get_json("/h")  # type: ignore[attr-defined]
    assert {k.lower(): v for k, v in Handler.seen[0][2].items()}["x-trace"] == "abc"


@pytest.mark.parametrize(
    ("status", "error"),
    [(404, "ClientError"), (400, "ClientError"), (429, "RateLimited"), (500, "ServerError")],
)
def test_error_statuses_raise_typed_errors(
    hc: ModuleType, server: str, status: int, error: str
) -> None:
    Handler.routes[("GET", "/bad")] = _json(status, {"error": "x"})
    with pytest.raises(getattr(hc, error)):
        client(hc, server, retries=0).get_json("/bad")  # type: ignore[attr-defined]


def test_rate_limited_is_a_client_error_and_server_error_is_not(hc: ModuleType) -> None:
    assert issubclass(hc.RateLimited, hc.ClientError)
    assert not issubclass(hc.ServerError, hc.ClientError)


def test_transient_failures_of_a_get_are_retried(hc: ModuleType, server: str) -> None:
    answers = iter([(503, {}, b""), (502, {}, b""), (200, {}, b'{"ok": true}')])
    Handler.routes[("GET", "/flaky")] = lambda _r: next(answers)
    assert client(hc, server, retries=3).get_json("/flaky") == {"ok": True}  # type: ignore[attr-defined]
    assert len(Handler.seen) == 3


def test_retries_stop_at_the_retry_count(hc: ModuleType, server: str) -> None:
    Handler.routes[("GET", "/down")] = _json(500, {})
    with pytest.raises(hc.ServerError):
        client(hc, server, retries=2).get_json("/down")  # type: ignore[attr-defined]
    assert len(Handler.seen) == 3


def test_a_post_is_not_retried_after_a_server_error(hc: ModuleType, server: str) -> None:
    Handler.routes[("POST", "/once")] = _json(500, {})
    with pytest.raises(hc.ServerError):
        client(hc, server, retries=3).post_json("/once", {"a": 1})  # type: ignore[attr-defined]
    assert len(Handler.seen) == 1


def test_client_errors_are_not_retried(hc: ModuleType, server: str) -> None:
    Handler.routes[("GET", "/missing")] = _json(404, {})
    with pytest.raises(hc.ClientError):
        client(hc, server, retries=3).get_json("/missing")  # type: ignore[attr-defined]
    assert len(Handler.seen) == 1


def test_retry_after_is_honoured(hc: ModuleType, server: str) -> None:
    answers = iter([(429, {"Retry-After": "7"}, b""), (200, {}, b"[]")])
    Handler.routes[("GET", "/slow")] = lambda _r: next(answers)
    waits: list[float] = []
    http = hc.HttpClient(server, retries=2, sleep=waits.append)
    assert http.get_json("/slow") == []
    assert 7.0 in waits
    assert hc.retry_after({"Retry-After": "12"}) == 12.0


def test_a_body_that_is_not_json_is_a_decode_error(hc: ModuleType, server: str) -> None:
    Handler.routes[("GET", "/html")] = lambda _r: (200, {"Content-Type": "text/html"}, b"<p>")
    with pytest.raises(hc.DecodeError):
        client(hc, server).get_json("/html")  # type: ignore[attr-defined]


def test_no_server_is_a_transport_error(hc: ModuleType) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(hc.TransportError):
        client(hc, f"http://127.0.0.1:{port}", retries=0).get_json("/")  # type: ignore[attr-defined]


def test_a_slow_server_is_a_request_timeout(hc: ModuleType, server: str) -> None:
    def slow(_request: Handler) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.5)
        return 200, {}, b"{}"

    Handler.routes[("GET", "/sleepy")] = slow
    with pytest.raises(hc.RequestTimeout):
        client(hc, server, retries=0, timeout=0.3).get_json("/sleepy")  # type: ignore[attr-defined]


def test_auth_headers_and_redaction(hc: ModuleType) -> None:
    basic = hc.basic_auth("ann", "s3cret")
    token = basic["Authorization"].split()[1]
    assert basic["Authorization"].startswith("Basic ")
    assert base64.b64decode(token) == b"ann:s3cret"
    assert hc.bearer_auth("tok") == {"Authorization": "Bearer tok"}
    assert list(hc.api_key_auth("k1").values()) == ["k1"]
    safe = hc.redact({**basic, "Accept": "application/json", **hc.api_key_auth("k1")})
    assert "s3cret" not in json.dumps(safe) and token not in json.dumps(safe)
    assert "k1" not in safe.values()
    assert safe["Accept"] == "application/json"


def test_token_bucket_rate_limiter(hc: ModuleType) -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = hc.RateLimiter(2.0, burst=2, clock=lambda: now[0], sleep=sleep)
    limiter.acquire()
    limiter.acquire()
    assert sum(waits) == 0  # the burst
    limiter.acquire()
    assert sum(waits) == pytest.approx(0.5)  # 2 per second
    limiter.acquire()
    assert sum(waits) == pytest.approx(1.0)


def test_get_cache_and_etag_revalidation(hc: ModuleType, server: str) -> None:
    def fresh(_request: Handler) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Cache-Control": "max-age=60"}, b'{"v": 1}'

    Handler.routes[("GET", "/fresh")] = fresh
    http = client(hc, server, cache_ttl=30.0)
    assert http.get_json("/fresh") == {"v": 1}  # type: ignore[attr-defined]
    assert http.get_json("/fresh") == {"v": 1}  # type: ignore[attr-defined]
    assert len(Handler.seen) == 1  # the second came from the cache

    def tagged(request: Handler) -> tuple[int, dict[str, str], bytes]:
        if request.headers.get("If-None-Match") == '"v7"':
            return 304, {"ETag": '"v7"'}, b""
        return 200, {"ETag": '"v7"', "Cache-Control": "no-cache, max-age=0"}, b'{"v": 7}'

    Handler.routes[("GET", "/tagged")] = tagged
    assert http.get_json("/tagged") == {"v": 7}  # type: ignore[attr-defined]
    assert http.get_json("/tagged") == {"v": 7}  # type: ignore[attr-defined]
    last = {k.lower(): v for k, v in Handler.seen[-1][2].items()}
    assert last.get("if-none-match") == '"v7"'


def test_link_header_and_pagination(hc: ModuleType, server: str) -> None:
    header = '<https://x.test/a?page=2>; rel="next", <https://x.test/a?page=9>; rel="last"'
    links = hc.parse_link_header(header)
    assert links["next"] == "https://x.test/a?page=2" and links["last"].endswith("page=9")

    def pages(request: Handler) -> tuple[int, dict[str, str], bytes]:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        page = int(query.get("page", ["1"])[0])
        headers = {"Content-Type": "application/json"}
        if page < 3:
            headers["Link"] = f'<{server_url}/list?page={page + 1}>; rel="next"'
        return 200, headers, json.dumps([page * 10, page * 10 + 1]).encode()

    server_url = server
    Handler.routes[("GET", "/list")] = pages
    items = list(hc.paginate(client(hc, server), "/list"))
    assert items == [10, 11, 20, 21, 30, 31]


def test_build_url(hc: ModuleType) -> None:
    url = hc.build_url("https://api.test/v1/", "/users", {"q": "a&b", "skip": None})
    parts = urllib.parse.urlsplit(url)
    assert parts.netloc == "api.test" and parts.path == "/v1/users"
    assert urllib.parse.parse_qs(parts.query) == {"q": ["a&b"]}


def test_command_line_fetches_one_url(
    hc: ModuleType, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    Handler.routes[("GET", "/hello")] = _json(200, {"hello": "world"})
    assert hc.main([f"{server}/hello"]) == 0
    assert json.loads(capsys.readouterr().out) == {"hello": "world"}
    Handler.routes[("GET", "/gone")] = _json(410, {})
    assert hc.main([f"{server}/gone"]) == 1
    assert "410" in capsys.readouterr().err
