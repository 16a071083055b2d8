"""What needs no service: the drop-in's signatures, how answers become exceptions, configuration."""

from __future__ import annotations

import asyncio
import email.utils
import inspect
import time
from datetime import timedelta

import httpx
import pytest

import ticker_universe_client as tu
from ticker_universe_client import (
    BusyError,
    ForbiddenError,
    InvalidTickersError,
    TickerUniverseClient,
    TickerUniverseError,
    UnauthorizedError,
    UnavailableError,
)
from ticker_universe_client.errors import error_from_response

# The original module's functions: name -> (parameters in order, return annotation).
ORIGINAL = {
    "buffer_tickers": (["tickers"], "int"),
    "refresh_references": (["session", "tickers"], "int"),
    "flush_buffer": (["session"], "dict[str, int]"),
    "evict_stale": (["session", "ttl"], "int"),
    "get_all_tickers": (["session"], "list[str]"),
    "upsert_tickers": (["session", "tickers"], "int"),
}


@pytest.mark.parametrize("name", sorted(ORIGINAL))
def test_each_original_function_keeps_its_name_parameters_and_return_type(name: str) -> None:
    params, returns = ORIGINAL[name]
    for fn in (getattr(tu, name), getattr(TickerUniverseClient, name)):
        assert inspect.iscoroutinefunction(fn)
        sig = inspect.signature(fn)
        positional = [
            p.name for p in sig.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"
        ]
        assert positional == params
        assert sig.return_annotation == returns
    # session stays but is optional: a call site may pass its AsyncSession or nothing.
    if "session" in params:
        assert inspect.signature(getattr(tu, name)).parameters["session"].default is None


def test_buffer_tickers_gains_only_the_keyword_contributor() -> None:
    p = inspect.signature(tu.buffer_tickers).parameters["contributor"]
    assert p.kind is p.KEYWORD_ONLY and p.default is None


def test_the_original_constant_is_the_configured_ttl() -> None:
    assert tu.UNIVERSE_EVICTION_TTL == timedelta(days=tu.evict_ttl_days_from_env())


def _response(
    status: int, *, json: object = None, text: str | None = None, headers: dict | None = None
) -> httpx.Response:
    request = httpx.Request("POST", "http://service.invalid/api/v1/tickers/buffer")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request)
    return httpx.Response(status, json=json, headers=headers, request=request)


def _error(code: str, message: str = "m", **extra: object) -> dict:
    return {"error": {"code": code, "message": message, **extra}}


def test_invalid_tickers_carry_code_message_and_offenders() -> None:
    body = _error("invalid_input", "bad tickers", offenders=["no way!", "x y"])
    e = error_from_response(_response(400, json=body))
    assert type(e) is InvalidTickersError and isinstance(e, ValueError)
    assert (e.status, e.code, e.message) == (400, "invalid_input", "bad tickers")
    assert e.offenders == ["no way!", "x y"]


def test_a_400_without_offenders_is_still_invalid_input() -> None:
    e = error_from_response(_response(400, json=_error("invalid_input", "at most 1000 tickers")))
    assert type(e) is InvalidTickersError and e.offenders == []


@pytest.mark.parametrize(
    "status, code, cls",
    [
        (401, "unauthorized", UnauthorizedError),
        (403, "forbidden", ForbiddenError),
        (403, "upsert_disabled", ForbiddenError),
        (403, "contributor_not_allowed", ForbiddenError),
        (403, "a_reason_added_next_year", ForbiddenError),
        (409, "busy", BusyError),
        (503, "store_unavailable", UnavailableError),
        (503, "overloaded", UnavailableError),
        (503, "a_new_outage", UnavailableError),
        (418, "teapot", TickerUniverseError),
        (413, "payload_too_large", TickerUniverseError),
    ],
)
def test_the_status_chooses_the_class_and_the_code_is_kept_whatever_it_is(
    status: int, code: str, cls: type
) -> None:
    e = error_from_response(_response(status, json=_error(code, "why")))
    assert type(e) is cls
    assert (e.status, e.code, e.message) == (status, code, "why")
    assert code in str(e) and str(status) in str(e)


def test_retry_after_comes_from_the_header() -> None:
    e = error_from_response(_response(503, json=_error("store_unavailable"), headers={"Retry-After": "5"}))
    assert isinstance(e, UnavailableError) and e.retry_after == 5


def test_retry_after_of_busy_comes_from_the_body_when_no_header() -> None:
    e = error_from_response(_response(409, json=_error("busy", retryAfterSeconds=3)))
    assert isinstance(e, BusyError) and e.retry_after == 3


def test_retry_after_as_an_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    e = error_from_response(_response(503, json=_error("overloaded"), headers={"Retry-After": when}))
    assert e.retry_after is not None and 25 <= e.retry_after <= 31


@pytest.mark.parametrize(
    "body",
    [
        {"text": "<html>Bad gateway</html>"},
        {"json": {"detail": "not this service's shape"}},
        {"json": {"error": "a string, not an object"}},
        {"json": {"error": {"code": 7, "message": None, "offenders": "x"}}},
        {"text": ""},
    ],
)
def test_an_answer_without_the_service_error_body_still_becomes_an_exception(body: dict) -> None:
    e = error_from_response(_response(502, **body))
    assert type(e) is UnavailableError
    assert e.code == "http_502" and e.message and e.status == 502


def test_a_400_with_a_strange_body_has_empty_offenders() -> None:
    e = error_from_response(_response(400, json={"error": {"code": "invalid_input", "offenders": "x"}}))
    assert isinstance(e, InvalidTickersError) and e.offenders == []


def test_configuration_from_the_environment() -> None:
    env = {
        "TICKER_UNIVERSE_URL": "https://tu.example:9443/",
        "TICKER_UNIVERSE_TOKEN": "caller-token-0123456789",
        "TICKER_UNIVERSE_EVICT_TTL_DAYS": "30",
    }
    c = TickerUniverseClient(environ=env)
    assert c.base_url == "https://tu.example:9443"
    assert c.evict_ttl == timedelta(days=30)
    assert "caller-token" not in repr(c)
    assert TickerUniverseClient(environ={}).evict_ttl == timedelta(days=60)
    assert TickerUniverseClient(environ={}).base_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize("days", ["0", "-1", "sixty", "1.5", "36501"])
def test_a_bad_ttl_setting_is_refused(days: str) -> None:
    with pytest.raises(ValueError, match="TICKER_UNIVERSE_EVICT_TTL_DAYS"):
        TickerUniverseClient(environ={"TICKER_UNIVERSE_EVICT_TTL_DAYS": days})


def test_a_url_without_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="http"):
        TickerUniverseClient("127.0.0.1:8080", environ={})


def test_input_the_original_would_not_have_written_sends_nothing() -> None:
    # Port 9 on a reserved name: any request would fail with UnavailableError.
    c = TickerUniverseClient("http://service.invalid:9", environ={})

    async def run() -> None:
        assert await c.buffer_tickers([]) == 0
        assert await c.buffer_tickers([None, "", "   "]) == 0  # type: ignore[list-item]
        assert await c.refresh_references(None, iter(())) == 0
        assert await c.upsert_tickers(None, ["  "]) == 0
        await c.aclose()

    asyncio.run(run())


def test_a_single_string_or_missing_tickers_is_a_type_error() -> None:
    c = TickerUniverseClient("http://service.invalid:9", environ={})

    async def run() -> None:
        with pytest.raises(TypeError, match="iterable of strings"):
            await c.buffer_tickers("AAPL")
        with pytest.raises(TypeError, match="tickers is required"):
            await c.refresh_references(["AAPL"])  # the list landed in session
        with pytest.raises(TypeError, match="contributor"):
            await c.buffer_tickers(["AAPL"], contributor=42)  # type: ignore[arg-type]

    asyncio.run(run())


def test_another_ttl_is_refused_before_anything_is_sent() -> None:
    c = TickerUniverseClient("http://service.invalid:9", environ={})

    async def run() -> None:
        with pytest.raises(ValueError, match="TU_EVICT_TTL_DAYS"):
            await c.evict_stale(None, timedelta(days=30))
        with pytest.raises(ValueError):
            await c.evict_stale(ttl=timedelta(days=60, seconds=1))

    asyncio.run(run())
