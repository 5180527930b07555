"""The shared adapter base: error mapping, retries with backoff, Retry-After, logging."""

from __future__ import annotations

import logging

import httpx
import pytest

from providers.adapters.base import BaseAdapter, parse_retry_after
from providers.adapters.errors import (
    AuthenticationError,
    MalformedResponseError,
    NotFoundError,
    RejectedError,
    TransientError,
)
from providers.adapters.types import AccountConfig
from providers.ratelimit import Limit, LocalRateLimiter

ACCOUNT = AccountConfig(
    kind="demo", name="Demo", config={"base_url": "http://p.test"}, credentials={"key": "s3cr3t"}
)


class DemoAdapter(BaseAdapter):
    kind = "demo"


@pytest.fixture(autouse=True)
def _demo_urls_allowed(settings):
    """The deployment allows the demo provider's host (as PROVIDER_URLS_DEMO would)."""
    settings.PROVIDER_URLS = {"demo": ["http://p.test"]}


def adapter(handler, **kwargs) -> tuple[DemoAdapter, list[float]]:
    waits: list[float] = []
    return (
        DemoAdapter(ACCOUNT, transport=httpx.MockTransport(handler), sleep=waits.append, **kwargs),
        waits,
    )


def answers(*responses):
    """A transport handler that plays these answers in order and counts the calls."""
    queue = list(responses)
    calls = []

    def handler(request):
        calls.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    handler.calls = calls
    return handler


def test_transient_faults_on_get_are_retried_then_succeed():
    handler = answers(
        httpx.Response(503, text="<html>busy</html>"),
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"ok": True}),
    )
    demo, waits = adapter(handler)
    assert demo.get_json("http://p.test/x", endpoint="GET /x") == {"ok": True}
    assert len(handler.calls) == 3
    assert len(waits) == 2 and all(0 <= w <= 20 for w in waits)


def test_retry_after_is_honoured():
    handler = answers(
        httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "Too Many Requests"}),
        httpx.Response(200, json=[]),
    )
    demo, waits = adapter(handler)
    assert demo.get_json("http://p.test/x", endpoint="GET /x") == []
    assert 7 <= waits[0] < 7.5


def test_a_retry_after_longer_than_we_wait_inline_goes_back_to_the_caller():
    handler = answers(httpx.Response(429, headers={"Retry-After": "600"}))
    demo, waits = adapter(handler)
    with pytest.raises(TransientError) as caught:
        demo.get_json("http://p.test/x", endpoint="GET /x")
    assert caught.value.retry_after == 600 and waits == []


def test_posts_are_not_retried_blindly():
    handler = answers(httpx.ReadTimeout("slow"))
    demo, _ = adapter(handler)
    with pytest.raises(TransientError, match="timed out"):
        demo.request("POST", "http://p.test/book", endpoint="POST /book", json={})
    assert len(handler.calls) == 1


def test_retries_are_bounded():
    handler = answers(*[httpx.Response(500) for _ in range(10)])
    demo, waits = adapter(handler)
    with pytest.raises(TransientError):
        demo.get_json("http://p.test/x", endpoint="GET /x")
    assert len(handler.calls) == DemoAdapter.max_attempts
    assert len(waits) == DemoAdapter.max_attempts - 1  # backed off between attempts


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (422, RejectedError),
    ],
)
def test_client_errors_map_to_the_hierarchy_with_the_providers_message(status, error):
    handler = answers(httpx.Response(status, json={"message": "The date must be in the future."}))
    demo, _ = adapter(handler)
    with pytest.raises(error) as caught:
        demo.get_json("http://p.test/x", endpoint="GET /x")
    assert caught.value.message == "The date must be in the future."
    assert caught.value.status == status
    assert len(handler.calls) == 1  # permanent: not retried


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"data": ['])
def test_bodies_that_are_not_json_are_malformed(body):
    demo, _ = adapter(answers(httpx.Response(200, content=body)))
    with pytest.raises(MalformedResponseError):
        demo.get_json("http://p.test/x", endpoint="GET /x")


def test_a_json_answer_of_the_wrong_type_is_malformed():
    demo, _ = adapter(answers(httpx.Response(200, json="just a string")))
    with pytest.raises(MalformedResponseError):
        demo.get_json("http://p.test/x", endpoint="GET /x")


def test_each_call_is_logged_without_secrets_or_query_strings(caplog):
    demo, _ = adapter(answers(httpx.Response(200, json={})))
    with caplog.at_level(logging.INFO, logger="providers.http"):
        demo.get_json(
            "http://p.test/x?token=s3cr3t",
            endpoint="GET /x",
            headers={"X-API-Secret": "s3cr3t"},
        )
    line = caplog.records[-1].getMessage()
    assert "provider=demo" in line and "endpoint='GET /x'" in line and "status=200" in line
    assert "latency_ms=" in line
    assert "s3cr3t" not in caplog.text


def test_the_client_side_rate_limit_spaces_out_calls():
    now = [0.0]
    limiter = LocalRateLimiter(clock=lambda: now[0])

    class Limited(DemoAdapter):
        rate_limit = Limit(2, 60)

    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    demo = Limited(
        ACCOUNT,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})),
        limiter=limiter,
        sleep=sleep,
    )
    for _ in range(3):
        demo.get_json("http://p.test/x", endpoint="GET /x")
    assert waits == [60.0]  # the third call waited for the window


def test_retry_after_parsing():
    assert parse_retry_after("12") == 12
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


@pytest.mark.django_db
def test_cached_raw_answers_save_calls():
    handler = answers(httpx.Response(200, json={"sites": [1, 2]}))
    demo, _ = adapter(handler)
    first = demo.get_json_cached("http://p.test/sites", endpoint="GET /sites", ttl=60)
    second = demo.get_json_cached("http://p.test/sites", endpoint="GET /sites", ttl=60)
    assert first == second == {"sites": [1, 2]}
    assert len(handler.calls) == 1
