"""Drop-in replacement for the original ``app.services.ticker_universe`` module.

Its callers change one line::

    from app.services.ticker_universe import buffer_tickers, get_all_tickers   # before
    from ticker_universe_client import buffer_tickers, get_all_tickers         # after

The six functions keep their names, parameters and return types and talk to the ticker-universe
service over HTTP. ``session`` is still accepted (and ignored), so call sites need no edit. They
share one default :class:`TickerUniverseClient`, configured from the environment
(``TICKER_UNIVERSE_URL``, ``TICKER_UNIVERSE_TOKEN``, ``TICKER_UNIVERSE_ADMIN_TOKEN``,
``TICKER_UNIVERSE_EVICT_TTL_DAYS``) when first used; :func:`set_default_client` installs another
and :func:`aclose` closes its connections (call it at application shutdown).

What behaves differently, and why: docs/MIGRATING.md in the service's repository.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Iterable

from .client import (
    DEFAULT_ADMIN_TIMEOUT_SECONDS,
    DEFAULT_EVICT_TTL_DAYS,
    DEFAULT_TIMEOUT_SECONDS,
    DEFAULT_URL,
    TickerUniverseClient,
    evict_ttl_days_from_env,
)
from .errors import (
    BusyError,
    ForbiddenError,
    InvalidTickersError,
    TickerUniverseError,
    UnauthorizedError,
    UnavailableError,
)

__all__ = [
    "buffer_tickers",
    "refresh_references",
    "flush_buffer",
    "evict_stale",
    "get_all_tickers",
    "upsert_tickers",
    "UNIVERSE_EVICTION_TTL",
    "TickerUniverseClient",
    "default_client",
    "set_default_client",
    "aclose",
    "TickerUniverseError",
    "InvalidTickersError",
    "UnauthorizedError",
    "ForbiddenError",
    "BusyError",
    "UnavailableError",
    "DEFAULT_URL",
    "DEFAULT_TIMEOUT_SECONDS",
    "DEFAULT_ADMIN_TIMEOUT_SECONDS",
    "DEFAULT_EVICT_TTL_DAYS",
]

#: The original module's constant, now the service's TTL as configured for the client
#: (TICKER_UNIVERSE_EVICT_TTL_DAYS, default 60 days); read once, at import.
UNIVERSE_EVICTION_TTL: timedelta = timedelta(days=evict_ttl_days_from_env())

_default: TickerUniverseClient | None = None


def default_client() -> TickerUniverseClient:
    """The client the module-level functions use; created from the environment on first use."""
    global _default
    if _default is None:
        _default = TickerUniverseClient()
    return _default


def set_default_client(client: TickerUniverseClient | None) -> None:
    """Installs the client the module-level functions use (``None``: from the environment again,
    on next use). The previous client is not closed: ``await aclose()`` first if it was used."""
    global _default
    _default = client


async def aclose() -> None:
    """Closes the default client's connections; the next call opens new ones."""
    if _default is not None:
        await _default.aclose()


async def buffer_tickers(tickers: Iterable[str], *, contributor: str | None = None) -> int:
    """Pushes tickers into the service's open bucket. Returns the number of distinct valid tickers
    in the request (not, as the original did, how many were new to the bucket)."""
    return await default_client().buffer_tickers(tickers, contributor=contributor)


async def refresh_references(session: Any = None, tickers: Iterable[str] | None = None) -> int:
    """Bumps last_referenced_at of tickers already in the universe. Returns rows matched."""
    return await default_client().refresh_references(session, tickers)


async def flush_buffer(session: Any = None) -> dict[str, int]:
    """Admin: flushes every closed bucket now. Returns the service's flush counts."""
    return await default_client().flush_buffer(session)


async def evict_stale(session: Any = None, ttl: timedelta | None = None) -> int:
    """Admin: deletes rows not referenced within the service's TTL. Returns rows deleted; a ``ttl``
    other than the service's raises ``ValueError``."""
    return await default_client().evict_stale(session, ttl)


async def get_all_tickers(session: Any = None) -> list[str]:
    """Every ticker currently in the universe, sorted."""
    return await default_client().get_all_tickers(session)


async def upsert_tickers(session: Any = None, tickers: Iterable[str] | None = None) -> int:
    """Synchronous upsert bypassing the buffer. Returns the number of distinct tickers; raises
    ``ForbiddenError`` where the service has upsert switched off."""
    return await default_client().upsert_tickers(session, tickers)
