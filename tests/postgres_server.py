"""A throw-away PostgreSQL cluster for the team server tests: `initdb` in a
temporary folder, `pg_ctl start` on a free port of 127.0.0.1, password
authentication (scram) for every connection, stopped and removed at the end.

PostgreSQL refuses to run as root, so as root the cluster belongs to the
`postgres` user and its programs run through `runuser`. Never a mock: the
tests need the server's own row-level security to refuse writes.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "throwaway-superuser"


def postgres_bin() -> Path | None:
    """The newest PostgreSQL 15+ programs folder (Debian's layout), else pg_ctl on PATH."""
    versions = sorted((p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()
                       and int(p.parent.name) >= 15), key=lambda p: int(p.parent.name))
    if versions and (versions[-1] / "initdb").exists():
        return versions[-1]
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def missing_reason() -> str | None:
    """Why no cluster can be started here, or None."""
    if postgres_bin() is None:
        return "PostgreSQL 15+ is not installed (apt install postgresql; .ci/run installs it)"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to start PostgreSQL as `postgres`"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path

    def url(self, user: str = SUPERUSER, password: str = SUPERUSER_PASSWORD, database: str = "postgres") -> str:
        from urllib.parse import quote

        return f"postgresql://{quote(user)}:{quote(password)}@127.0.0.1:{self.port}/{database}"

    def admin(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(self.url(database=database), autocommit=True)

    def new_database(self, name: str) -> str:
        """A fresh empty database; its superuser URL."""
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(database=name)


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_cluster() -> Cluster:
    bin_folder = postgres_bin()
    assert bin_folder is not None
    folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    password_file = folder / "superuser-password"
    password_file.write_text(SUPERUSER_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(password_file, "postgres", "postgres")
    subprocess.run(_as_owner([str(bin_folder / "initdb"), "-D", str(data), "-U", SUPERUSER,
                              "--auth=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8",
                              "--locale=C.UTF-8"]),
                   check=True, capture_output=True)
    port = _free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off -c max_connections=100"
    subprocess.run(_as_owner([str(bin_folder / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                              "-o", options, "-w", "-t", "60", "start"]),
                   check=True, capture_output=True)
    return Cluster(folder, port, bin_folder)


def stop_cluster(cluster: Cluster) -> None:
    subprocess.run(_as_owner([str(cluster.bin / "pg_ctl"), "-D", str(cluster.folder / "data"),
                              "-m", "immediate", "-w", "stop"]), capture_output=True)
    shutil.rmtree(cluster.folder, ignore_errors=True)


def with_throwaway_database(database: str, folder_prefix: str, work: Callable[[Cluster, Path], int]) -> int:
    """For the benchmarks: `work(cluster, folder)` against a fresh cluster holding
    `database` and a temporary folder, both gone afterwards; 2 (saying why) where
    PostgreSQL is missing."""
    import sys

    if (reason := missing_reason()) is not None:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    cluster = start_cluster()
    try:
        cluster.new_database(database)
        with tempfile.TemporaryDirectory(prefix=folder_prefix) as folder:
            return work(cluster, Path(folder))
    finally:
        stop_cluster(cluster)
