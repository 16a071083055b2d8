"""The real service the tests talk to: started once per test session by tests/service-stack.sh.

Nothing is built here: the fat jar comes from ``./mvnw verify`` (scripts/test.sh) or
``./mvnw -q -DskipTests package``. Two services share one throw-away Redis and MariaDB:

* ``main`` - the original module's behaviour: publication pool off (k = 1, after-hold 1), upsert
  open, the original's Redis key prefix; 10-second buckets with a 1-second grace, so a bucket
  closes (and the service's own flush runs) within about 11 s instead of 5 minutes.
* ``closed`` - upsert switched off (403), its own key prefix and database.

``TU_PRIVACY_PROFILE=off`` is set for both: a privacy profile (k = 3, upsert closed) will become
the service's default, and these tests want the settings they name, not the profile's.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from _support import BUCKET_SECONDS, GRACE_SECONDS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
JAR = ROOT / "target" / "ticker-universe-fat.jar"
STACK = HERE / "service-stack.sh"


COMMON = {
    "TU_PRIVACY_PROFILE": "off",
    "TU_PRIVACY_MIN_CONTRIBUTORS": "1",
    "TU_PRIVACY_MIN_CONTRIBUTORS_AFTER_HOLD": "1",
    "TU_BUFFER_BUCKET_SECONDS": str(BUCKET_SECONDS),
    "TU_FLUSH_GRACE_SECONDS": str(GRACE_SECONDS),
    "TU_FLUSH_LEASE_SECONDS": "2",  # must be shorter than the bucket
    "TU_UNIVERSE_REFRESH_SECONDS": "5",
}
SERVICES = {
    "main": {**COMMON, "TU_UPSERT_ENABLED": "true"},
    "closed": {**COMMON, "TU_UPSERT_ENABLED": "false", "TU_BUFFER_KEY_PREFIX": "tu_closed"},
}


@dataclass(frozen=True)
class Stack:
    urls: dict[str, str]
    redis_port: int
    mysql_port: int
    caller_token: str
    admin_token: str
    proxy_token: str

    @property
    def url(self) -> str:
        return self.urls["main"]

    def database(self, service: str = "main") -> str:
        return f"tu_{service}"


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    if not JAR.is_file():
        pytest.fail(f"no {JAR}: build it first (./mvnw -q -DskipTests package)", pytrace=False)
    work = Path(tempfile.mkdtemp(prefix="tu-py-client."))
    for name, settings in SERVICES.items():
        (work / f"{name}.env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    caller = "py-caller-" + secrets.token_hex(12)
    admin = "py-admin-" + secrets.token_hex(12)
    proxy = "py-proxy-" + secrets.token_hex(12)
    # A clean environment: no TU_* setting of the developer's shell leaks into the services; the
    # tokens go by environment (as scripts/ops-check.sh passes them), never into a file.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TU_")}
    env.update(TU_AUTH_API_TOKENS=caller, TU_AUTH_ADMIN_TOKENS=admin, TU_AUTH_PROXY_TOKENS=proxy)
    proc = subprocess.Popen(
        ["bash", str(STACK), str(work)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    urls: dict[str, str] = {}
    ports: dict[str, int] = {}
    # The script bounds every wait itself (READY_TIMEOUT) and exits on failure, which ends stdout.
    for line in proc.stdout:
        words = line.split()
        if words == ["ready"]:
            break
        if len(words) == 3 and words[0] == "service":
            urls[words[1]] = words[2]
        elif len(words) == 2 and words[0] in ("redis", "mysql"):
            ports[words[0]] = int(words[1])
    else:
        rc = proc.wait(timeout=120)
        pytest.fail(f"the service stack did not start (status {rc}); its log lines are above", pytrace=False)
    try:
        yield Stack(urls, ports["redis"], ports["mysql"], caller, admin, proxy)
    finally:
        proc.stdin.close()  # the script's signal to stop what it started
        try:
            proc.wait(timeout=180)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait(timeout=60)

