"""A throwaway PostgreSQL cluster for the tests: started once per test session, one fresh
database per test.

``start_cluster()`` finds PostgreSQL's server binaries (``PG_BINDIR``, else Debian's
/usr/lib/postgresql/<newest>/bin, else ``initdb`` on the PATH), runs ``initdb`` into a
temporary folder and ``pg_ctl start`` on 127.0.0.1 at a free port, with its socket in that
folder too. initdb refuses to run as root, so as root both run as the ``postgres`` system
user (``runuser -u postgres --``); otherwise as the current user. Logins over TCP need the
password (scram-sha-256), so the bot's URLs carry one and a wrong one is really refused.
Durability is off for the tests (fsync, synchronous_commit): the data is thrown away at the
end; a benchmark asks for the defaults (``durable=True``). tests/cluster_reaper.py, started
beside the cluster, stops it if the test process dies without stopping it (SIGTERM, SIGKILL).

Creating a database takes 20-250 ms, so ``Databases`` makes them ahead, in a thread with an
event loop of its own, while the tests run: ``take("empty")`` (as a new host hands over) or
``take("migrated")`` (copied from a template this release already migrated), and drops them
in the background after the test.

``Unavailable`` says why no cluster could be had; the fixture skips with that reason, or
fails when ``REQUIRE_POSTGRES=1`` (CI sets it, so PostgreSQL is never skipped silently).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import asyncpg

USER = "runclub"
PASSWORD = "test-password-not-secret"  # a throwaway cluster's
REQUIRE_ENV = "REQUIRE_POSTGRES"
SETTINGS = "-c max_connections=200"
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # tests only


class Unavailable(RuntimeError):
    """No PostgreSQL cluster can be started here; the message says why."""


def find_bindir() -> Path | None:
    given = os.environ.get("PG_BINDIR")
    if given:
        return Path(given)
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Cluster:
    """A running throwaway cluster: ``url(name)``, ``await create_database()``, ``stop()``."""

    def __init__(
        self, bindir: Path, root: Path, port: int, as_user: tuple[str, ...], durable: bool
    ) -> None:
        self.durable = durable
        self.bindir = bindir
        self.root = root
        self.port = port
        self.data = root / "data"
        self.as_user = as_user
        self._reaper: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "postgres", *, password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def command(self, tool: str, *args: str) -> list[str]:
        return [*self.as_user, str(self.bindir / tool), *args]

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(tool, *args),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def start(self) -> None:
        settings = SETTINGS if self.durable else f"{SETTINGS} {FAST}"
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} {settings}"
        done = self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                        str(self.root / "log"), "-w", "start")  # fmt: skip
        if done.returncode:
            log = (self.root / "log").read_text(errors="replace")[-1500:]
            raise Unavailable(f"pg_ctl start failed: {done.stderr.strip()} {log}")
        if self._reaper is None:
            # stops the cluster if this process dies without calling stop() (see its docstring)
            self._reaper = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("cluster_reaper.py")),
                 str(self.root), *self.command(*self._stop_args())],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )  # fmt: skip

    def restart(self) -> None:
        """Restart the server (fast shutdown: every session is cut), same options, same data."""
        done = self.run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"),
                        "-m", "fast", "-w", "restart")  # fmt: skip
        if done.returncode:
            raise Unavailable(f"pg_ctl restart failed: {done.stderr.strip()}")

    def _stop_args(self) -> tuple[str, ...]:
        return ("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        self.run(*self._stop_args())
        shutil.rmtree(self.root, ignore_errors=True)
        if self._reaper is not None:
            assert self._reaper.stdin is not None
            self._reaper.stdin.close()  # its folder is gone: it exits
            self._reaper.wait(10)
            self._reaper = None

    async def admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.url("postgres"))

    async def create_database(self, template: str = "template1") -> tuple[str, str]:
        """A fresh database, empty or a copy of ``template``: (its name, the bot's URL)."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        con = await self.admin()
        try:
            await con.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        finally:
            await con.close()
        return name, self.url(name)

    async def drop_database(self, name: str) -> None:
        con = await self.admin()
        try:
            await con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await con.close()


class Databases:
    """Fresh databases made ahead in a background thread: ``take(kind)`` and ``drop(name)``."""

    AHEAD = 2  # of each kind

    def __init__(self, cluster: Cluster) -> None:
        from bot.store import Store

        self.cluster = cluster
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.pending: list[Future[Any]] = []

        async def migrated_template() -> str:
            name, url = await cluster.create_database()
            await (await Store.open(url)).close()
            return name

        self.templates = {"empty": "template1", "migrated": self._run(migrated_template())}
        self.ready: dict[str, deque[Future[tuple[str, str]]]] = {k: deque() for k in self.templates}
        for kind in self.templates:
            for _ in range(self.AHEAD):
                self._make(kind)

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def _make(self, kind: str) -> None:
        coro = self._create(self.templates[kind])
        self.ready[kind].append(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def _create(self, template: str) -> tuple[str, str]:
        for attempt in range(50):  # a test may be restarting the server just now
            try:
                return await self.cluster.create_database(template)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                if attempt == 49:
                    raise
                await asyncio.sleep(0.1)
        raise AssertionError("unreachable")

    def take(self, kind: str) -> tuple[str, str]:
        """A fresh database of ``kind`` ("empty" or "migrated"): (its name, its URL)."""
        made = self.ready[kind].popleft()
        self._make(kind)
        return made.result(60)

    def drop(self, name: str) -> None:
        coro = self.cluster.drop_database(name)
        self.pending.append(asyncio.run_coroutine_threadsafe(coro, self.loop))

    def close(self) -> None:
        """Wait for the work under way (the cluster, and every database in it, goes next)."""
        for future in [*self.pending, *(f for q in self.ready.values() for f in q)]:
            with contextlib.suppress(Exception):
                future.result(60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def start_cluster(*, durable: bool = False) -> Cluster:
    """initdb and start a cluster, or raise Unavailable with the reason. ``durable``: keep
    PostgreSQL's default durability (fsync, synchronous commit), as a benchmark should."""
    bindir = find_bindir()
    if bindir is None or not (bindir / "initdb").is_file():
        raise Unavailable(
            "PostgreSQL's server binaries were not found (set PG_BINDIR, or install Debian's "
            "postgresql package: /usr/lib/postgresql/15/bin)"
        )
    as_user: tuple[str, ...] = ()
    root = Path(tempfile.mkdtemp(prefix="runclub-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            raise Unavailable("running as root and there is no 'postgres' user") from None
        if shutil.which("runuser") is None:
            shutil.rmtree(root, ignore_errors=True)
            raise Unavailable("running as root and runuser is missing") from None
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = ("runuser", "-u", "postgres", "--")
    pwfile = root / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_user:
        account = pwd.getpwnam("postgres")
        os.chown(pwfile, account.pw_uid, account.pw_gid)
    cluster = Cluster(bindir, root, free_port(), as_user, durable)
    done = cluster.run(
        "initdb", "-D", str(cluster.data), "-U", USER, f"--pwfile={pwfile}",
        "--auth-host=scram-sha-256", "--auth-local=trust", "--no-sync", "-E", "UTF8",
        "--locale=C",
    )  # fmt: skip
    if done.returncode:
        shutil.rmtree(root, ignore_errors=True)
        raise Unavailable(f"initdb failed: {done.stderr.strip()[-500:]}")
    for attempt in range(3):
        try:
            cluster.start()
            return cluster
        except Unavailable:
            if attempt == 2:
                shutil.rmtree(root, ignore_errors=True)
                raise
            cluster.port = free_port()  # taken meanwhile: try another
    raise AssertionError("unreachable")


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") == "1"


def close_quietly(cluster: Cluster | None) -> None:
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.stop()
