"""Helpers of the service tests: awaiting with deadlines, the real stores' command-line clients,
and a request recorder built on httpx's event hooks."""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
import time
from typing import Awaitable, Callable, TypeVar

import httpx

from ticker_universe_client import BusyError, TickerUniverseClient

T = TypeVar("T")

BUCKET_SECONDS = 10
GRACE_SECONDS = 1


def unique_ticker(stem: str) -> str:
    """A ticker no other test (or earlier run on the same stores) uses: STEM + 8 hex digits."""
    return f"{stem}{secrets.token_hex(4).upper()}.PY"


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, what: str, timeout: float = 60.0, interval: float = 0.25
) -> T:
    """Awaits ``probe`` until it gives a truthy value; fails after ``timeout`` (a loaded machine
    gets a generous one)."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(interval)


async def until_closed(written_at: float) -> None:
    """Waits until the bucket open at ``written_at`` (epoch seconds) is closed: its end plus the
    grace has passed. The service runs on the wall clock, so this is the one wait on time itself."""
    start = int(written_at) // BUCKET_SECONDS * BUCKET_SECONDS
    closes = start + BUCKET_SECONDS + GRACE_SECONDS + 0.5
    await asyncio.sleep(max(0.0, closes - time.time()))


async def flush(client: TickerUniverseClient, *, timeout: float = 60.0) -> dict[str, int]:
    """An admin flush; a 409 busy (the service's own timer holds the lease) is retried after its
    Retry-After."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await client.flush_buffer(None)
        except BusyError as busy:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(min(float(busy.retry_after or 1), 5.0))


class Recorder:
    """Records every request and response of a client (httpx event hooks; nothing is stubbed)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []
        self.etags: list[str | None] = []

    async def _on_request(self, request: httpx.Request) -> None:
        self.requests.append(request)

    async def _on_response(self, response: httpx.Response) -> None:
        self.statuses.append(response.status_code)
        self.etags.append(response.headers.get("ETag"))

    def hooks(self) -> dict[str, list]:
        return {"request": [self._on_request], "response": [self._on_response]}


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or next(
            (f"{d}/{name}" for d in ("/usr/bin", "/usr/sbin") if shutil.which(name, path=d)), None
        )
        if found:
            return found
    raise AssertionError(f"none of {names} is installed")


def sql(mysql_port: int, database: str, statement: str) -> list[list[str]]:
    """Runs SQL on the stack's MariaDB with its command-line client; the rows, tab-separated."""
    out = subprocess.run(
        [_tool("mariadb", "mysql"), "--no-defaults", "--protocol=tcp", "-h127.0.0.1", f"-P{mysql_port}",
         "-uroot", "-N", "-B", database, "-e", statement],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def redis(redis_port: int, *args: str) -> str:
    """Runs one command on the stack's Redis with redis-cli."""
    return subprocess.run(
        [_tool("redis-cli"), "-h", "127.0.0.1", "-p", str(redis_port), *args],
        check=True, capture_output=True, text=True, timeout=30,
    ).stdout.strip()
