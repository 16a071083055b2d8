"""The client: the original module's six functions over the service's HTTP API.

See docs/MIGRATING.md in the repository for what differs from the original module and why.
"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from typing import Any, Awaitable, Callable, Iterable, Mapping, Sequence

import httpx

from .errors import TickerUniverseError, UnavailableError, error_from_response

__all__ = [
    "DEFAULT_URL",
    "DEFAULT_TIMEOUT_SECONDS",
    "DEFAULT_ADMIN_TIMEOUT_SECONDS",
    "DEFAULT_EVICT_TTL_DAYS",
    "TickerUniverseClient",
    "evict_ttl_days_from_env",
]

#: Where ``scripts/run.sh`` serves by default.
DEFAULT_URL = "http://127.0.0.1:8080"
#: Time-out of one ordinary request (connect, read, write, pool wait each).
DEFAULT_TIMEOUT_SECONDS = 10.0
#: Admin flush and evict may run for minutes: the service allows them TU_HTTP_ADMIN_TIMEOUT_MILLIS
#: (600 s by default); the client waits a little longer so that the service's own answer arrives.
DEFAULT_ADMIN_TIMEOUT_SECONDS = 630.0
#: The service's TU_EVICT_TTL_DAYS default (the original module's UNIVERSE_EVICTION_TTL).
DEFAULT_EVICT_TTL_DAYS = 60

_PATH_BUFFER = "/api/v1/tickers/buffer"
_PATH_REFRESH = "/api/v1/tickers/refresh"
_PATH_UPSERT = "/api/v1/tickers/upsert"
_PATH_UNIVERSE = "/api/v1/universe"
_PATH_FLUSH = "/api/v1/admin/flush"
_PATH_EVICT = "/api/v1/admin/evict"

EventHook = Callable[..., Awaitable[None]]


def _env_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


def evict_ttl_days_from_env(environ: Mapping[str, str] | None = None) -> int:
    """The eviction TTL in days the client takes as the service's.

    No endpoint of the service exposes its ``TU_EVICT_TTL_DAYS``, so the client is told it:
    ``TICKER_UNIVERSE_EVICT_TTL_DAYS`` (1-36500, the service's own range), 60 when unset — the
    service's default and the original module's ``UNIVERSE_EVICTION_TTL``.
    """
    env = os.environ if environ is None else environ
    raw = env.get("TICKER_UNIVERSE_EVICT_TTL_DAYS", "").strip()
    if not raw:
        return DEFAULT_EVICT_TTL_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= 36_500:
        raise ValueError(
            f"TICKER_UNIVERSE_EVICT_TTL_DAYS must be a whole number of days in 1-36500, got {raw!r}"
        )
    return int(raw)


def _ticker_list(tickers: Iterable[str] | None, function: str) -> list[Any]:
    """The entries to send, or an empty list when the original module would not have written.

    Like the original, ``None`` entries are skipped; an input with no non-blank string is answered
    0 without a request (the original did no I/O for it either). Everything else goes to the
    service, which normalises, validates and refuses the whole request on any invalid entry.
    """
    if tickers is None:
        raise TypeError(f"{function}(session, tickers): tickers is required")
    if isinstance(tickers, (str, bytes)):
        # The original iterated a string character by character; that was never meant.
        raise TypeError(
            f"{function}: tickers must be an iterable of strings, not one {type(tickers).__name__}"
        )
    items = [t for t in tickers if t is not None]
    if all(isinstance(t, str) and not t.strip() for t in items):
        return []
    return items


def _int_field(response: httpx.Response, field: str) -> int:
    try:
        body = response.json()
    except ValueError:
        body = None
    value = body.get(field) if isinstance(body, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TickerUniverseError(
            f"the answer to {response.request.method} {response.request.url.path} has no integer {field!r}",
            code="unexpected_answer",
            status=response.status_code,
        )
    return value


class TickerUniverseClient:
    """A client of one ticker-universe service, with the original module's six functions.

    Arguments left out come from the environment: ``TICKER_UNIVERSE_URL`` (default
    ``http://127.0.0.1:8080``), ``TICKER_UNIVERSE_TOKEN`` (a caller or proxy token),
    ``TICKER_UNIVERSE_ADMIN_TOKEN`` (for ``flush_buffer`` and ``evict_stale``; each token stands in
    for the other when only one is set), ``TICKER_UNIVERSE_EVICT_TTL_DAYS`` (see
    :func:`evict_ttl_days_from_env`), ``TICKER_UNIVERSE_TIMEOUT_SECONDS`` (10) and
    ``TICKER_UNIVERSE_ADMIN_TIMEOUT_SECONDS`` (630).

    Connections are pooled (one ``httpx.AsyncClient``) and reused across calls made on the same
    event loop; a call from another event loop (a new ``asyncio.run``) opens a new pool, because
    asyncio connections belong to the loop that opened them. ``aclose()`` (or ``async with``)
    closes the pool. One event loop at a time: the client is not thread-safe.

    ``get_all_tickers`` keeps the last list and its ETag and asks with ``If-None-Match``; a 304
    returns (a copy of) the kept list.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        token: str | None = None,
        admin_token: str | None = None,
        evict_ttl_days: int | None = None,
        timeout: float | None = None,
        admin_timeout: float | None = None,
        event_hooks: Mapping[str, Sequence[EventHook]] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        url = (base_url or env.get("TICKER_UNIVERSE_URL", "").strip() or DEFAULT_URL).rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"the service URL must start with http:// or https://, got {url!r}")
        self.base_url = url
        caller = token if token is not None else env.get("TICKER_UNIVERSE_TOKEN", "").strip()
        admin = admin_token if admin_token is not None else env.get("TICKER_UNIVERSE_ADMIN_TOKEN", "").strip()
        self._token = caller or admin or None
        self._admin_token = admin or caller or None
        days = evict_ttl_days if evict_ttl_days is not None else evict_ttl_days_from_env(env)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 36_500:
            raise ValueError(f"evict_ttl_days must be a whole number of days in 1-36500, got {days!r}")
        #: The service's eviction TTL as this client knows it; evict_stale accepts only this one.
        self.evict_ttl = timedelta(days=days)
        self._timeout = httpx.Timeout(
            timeout
            if timeout is not None
            else _env_float(env, "TICKER_UNIVERSE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
        )
        self._admin_timeout = httpx.Timeout(
            admin_timeout
            if admin_timeout is not None
            else _env_float(env, "TICKER_UNIVERSE_ADMIN_TIMEOUT_SECONDS", DEFAULT_ADMIN_TIMEOUT_SECONDS)
        )
        self._event_hooks = {k: list(v) for k, v in (event_hooks or {}).items()}
        self._http: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._etag: str | None = None
        self._kept: list[str] | None = None

    def __repr__(self) -> str:  # never the tokens
        return f"TickerUniverseClient({self.base_url!r})"

    async def __aenter__(self) -> TickerUniverseClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the connection pool; the client opens a new one if it is used again."""
        http, loop = self._http, self._loop
        self._http, self._loop = None, None
        # A pool of a loop that has ended cannot be closed from another; it is only dropped.
        if http is not None and loop is asyncio.get_running_loop():
            await http.aclose()

    def _pool(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._loop is not loop or self._http.is_closed:
            self._http = httpx.AsyncClient(
                base_url=self.base_url,
                timeout=self._timeout,
                headers={"Accept": "application/json", "User-Agent": "ticker-universe-client/1"},
                event_hooks=self._event_hooks,
            )
            self._loop = loop
        return self._http

    async def _call(
        self,
        method: str,
        path: str,
        *,
        admin: bool = False,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> httpx.Response:
        token = self._admin_token if admin else self._token
        sent: dict[str, str] = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        try:
            response = await self._pool().request(
                method,
                path,
                json=json,
                headers=sent,
                timeout=self._admin_timeout if admin else self._timeout,
            )
        except httpx.TimeoutException as e:
            raise UnavailableError(
                f"no answer from {self.base_url} within the time-out ({type(e).__name__})", code="timeout"
            ) from e
        except httpx.TransportError as e:
            raise UnavailableError(
                f"cannot reach {self.base_url} ({type(e).__name__})", code="unreachable"
            ) from e
        if response.status_code in expect:
            return response
        raise error_from_response(response)

    # ------------------------------------------------------------------ the six functions

    async def buffer_tickers(self, tickers: Iterable[str], *, contributor: str | None = None) -> int:
        """Adds tickers to the service's open bucket; the number of distinct valid tickers sent.

        ``contributor`` names the user on whose behalf a proxying backend uploads (1-128
        printable ASCII characters, one stable value per user); only a proxy token may send it.
        """
        items = _ticker_list(tickers, "buffer_tickers")
        if contributor is not None and not isinstance(contributor, str):
            raise TypeError("buffer_tickers: contributor must be a string")
        if not items:
            return 0
        body: dict[str, Any] = {"tickers": items}
        if contributor is not None:
            body["contributor"] = contributor
        return _int_field(await self._call("POST", _PATH_BUFFER, json=body, expect=(202,)), "buffered")

    async def refresh_references(self, session: Any = None, tickers: Iterable[str] | None = None) -> int:
        """Marks tickers already in the universe as referenced now; the number of rows matched."""
        items = _ticker_list(tickers, "refresh_references")
        if not items:
            return 0
        return _int_field(await self._call("POST", _PATH_REFRESH, json={"tickers": items}), "updated")

    async def flush_buffer(self, session: Any = None) -> dict[str, int]:
        """Admin: flushes every closed bucket now; the service's counts (``buckets``, ``read``,
        ``inserted``, ``bumped``, ``rejected``, ``held``, ``contributors``, ``durationMillis``)."""
        response = await self._call("POST", _PATH_FLUSH, admin=True)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise TickerUniverseError(
                "the flush answer is not a JSON object", code="unexpected_answer", status=response.status_code
            )
        return {k: v for k, v in body.items() if isinstance(v, int) and not isinstance(v, bool)}

    async def evict_stale(self, session: Any = None, ttl: timedelta | None = None) -> int:
        """Admin: deletes rows not referenced within the service's TTL now; rows deleted.

        The TTL is the service's setting (TU_EVICT_TTL_DAYS): ``ttl`` may be left out or be that
        TTL (as this client knows it, :attr:`evict_ttl`); any other raises ``ValueError`` before
        anything is sent.
        """
        if ttl is not None:
            if not isinstance(ttl, timedelta):
                raise TypeError("evict_stale: ttl must be a datetime.timedelta")
            if ttl != self.evict_ttl:
                raise ValueError(
                    f"evict_stale: the eviction TTL is the service's setting TU_EVICT_TTL_DAYS "
                    f"({self.evict_ttl.days} days as this client is configured, "
                    f"TICKER_UNIVERSE_EVICT_TTL_DAYS); it cannot evict with {ttl}"
                )
        return _int_field(await self._call("POST", _PATH_EVICT, admin=True), "deleted")

    async def get_all_tickers(self, session: Any = None) -> list[str]:
        """Every ticker in the universe, sorted (a new list each call)."""
        headers = {}
        if self._kept is not None and self._etag is not None:
            headers["If-None-Match"] = self._etag
        response = await self._call("GET", _PATH_UNIVERSE, headers=headers, expect=(200, 304))
        if response.status_code == 304:
            if self._kept is None:
                raise TickerUniverseError(
                    "304 Not Modified to a request without If-None-Match",
                    code="unexpected_answer",
                    status=304,
                )
            return list(self._kept)
        try:
            body = response.json()
        except ValueError:
            body = None
        tickers = body.get("tickers") if isinstance(body, dict) else None
        if not isinstance(tickers, list) or not all(isinstance(t, str) for t in tickers):
            raise TickerUniverseError(
                "the universe answer has no list of tickers",
                code="unexpected_answer",
                status=response.status_code,
            )
        self._kept = tickers
        self._etag = response.headers.get("ETag")
        return list(tickers)

    async def upsert_tickers(self, session: Any = None, tickers: Iterable[str] | None = None) -> int:
        """Inserts or refreshes tickers at once, bypassing the buffer; the number of distinct
        tickers. Raises ``ForbiddenError`` where the service has upsert switched off."""
        items = _ticker_list(tickers, "upsert_tickers")
        if not items:
            return 0
        return _int_field(await self._call("POST", _PATH_UPSERT, json={"tickers": items}), "upserted")
