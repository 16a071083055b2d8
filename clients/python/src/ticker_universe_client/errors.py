"""Exceptions of the client: one per kind of answer a caller handles differently.

Every error the service answers is ``{"error": {"code": "...", "message": "..."}}`` (README,
"Endpoints"). The class is chosen by the HTTP status; the service's ``code`` is kept as a plain
string, because codes are an open set: a code this client has never heard of still becomes an
exception of the right class (or the base class), never a crash in the client.
"""

from __future__ import annotations

import email.utils
import math
import time
from typing import Any, Sequence

import httpx

__all__ = [
    "TickerUniverseError",
    "InvalidTickersError",
    "UnauthorizedError",
    "ForbiddenError",
    "BusyError",
    "UnavailableError",
    "error_from_response",
]


class TickerUniverseError(Exception):
    """Anything the service refused, or an answer the client could not use.

    Attributes:
        code: the service's machine-readable code (``invalid_input``, ``forbidden``,
            ``upsert_disabled``, ...), or one of the client's own: ``unreachable`` and ``timeout``
            (no answer), ``unexpected_answer`` (an answer not in the service's contract),
            ``http_<status>`` (an error answer without the service's error body, e.g. from a proxy).
        message: the service's human-readable message.
        status: the HTTP status, or ``None`` when there was no answer.
        retry_after: seconds after which trying again makes sense (``Retry-After``), or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status is not None else "no answer"
        text = f"{self.code}: {self.message} ({where})"
        if self.retry_after is not None:
            text += f"; retry after {self.retry_after} s"
        return text


class InvalidTickersError(TickerUniverseError, ValueError):
    """400: the request was refused whole and nothing was written.

    ``offenders`` lists (up to 20 of) the invalid tickers as sent; it is empty when the tickers
    were not the reason (too many in one request, a malformed ``contributor``).
    """

    def __init__(self, message: str, *, offenders: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.offenders: list[str] = list(offenders)


class UnauthorizedError(TickerUniverseError):
    """401: no token, or one the service does not know."""


class ForbiddenError(TickerUniverseError):
    """403: the token may not do this (a caller token on an admin operation, ``contributor`` from a
    token that is not a proxy token: ``contributor_not_allowed``) or the operation is switched off
    (upsert closed by configuration or the privacy profile: ``forbidden`` / ``upsert_disabled``)."""


class BusyError(TickerUniverseError):
    """409: an admin flush or evict did not run because another holder's lease is live;
    ``retry_after`` says for how long."""


class UnavailableError(TickerUniverseError):
    """503 (a store down, the service overloaded), a proxy's 502/504, or no answer at all
    (``unreachable``, ``timeout``); ``retry_after`` from ``Retry-After`` when the service sent one."""


_BY_STATUS: dict[int, type[TickerUniverseError]] = {
    400: InvalidTickersError,
    401: UnauthorizedError,
    403: ForbiddenError,
    409: BusyError,
    502: UnavailableError,
    503: UnavailableError,
    504: UnavailableError,
}


def _retry_after(response: httpx.Response, details: dict[str, Any]) -> int | None:
    raw = response.headers.get("Retry-After")
    if raw is not None:
        raw = raw.strip()
        if raw.isdigit():
            return int(raw)
        try:  # RFC 9110 also allows an HTTP date
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None:
            return max(0, int(math.ceil(when.timestamp() - time.time())))
    seconds = details.get("retryAfterSeconds")
    if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds >= 0:
        return seconds
    return None


def error_from_response(response: httpx.Response) -> TickerUniverseError:
    """The exception for an error answer; never raises itself, whatever the body holds."""
    status = response.status_code
    details: dict[str, Any] = {}
    try:
        body = response.json()
    except ValueError:  # not JSON (json.JSONDecodeError and UnicodeDecodeError are ValueErrors)
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        details = body["error"]
    code = details.get("code")
    if not isinstance(code, str) or not code:
        code = f"http_{status}"
    message = details.get("message")
    if not isinstance(message, str) or not message:
        message = response.reason_phrase or f"HTTP {status}"
    cls = _BY_STATUS.get(status, TickerUniverseError)
    kwargs: dict[str, Any] = {
        "code": code,
        "status": status,
        "retry_after": _retry_after(response, details),
    }
    if cls is InvalidTickersError:
        offenders = details.get("offenders")
        kwargs["offenders"] = [str(o) for o in offenders] if isinstance(offenders, list) else []
    return cls(message, **kwargs)
