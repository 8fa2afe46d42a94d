"""Connecting to the team server, and its errors as messages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from annotator.store.errors import StoreError

SCHEMA = "annotator"
"""The PostgreSQL schema (namespace) the project's tables live in."""


class ServerError(StoreError):
    """The server refused or failed: the message names the server (never its password)."""


class RefusedByServer(ServerError):
    """A write the server's row-level security refused: the connected role lacks the right."""


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_password(url: str, password: str) -> str:
    """`url` carrying `password` (one it already carries is replaced; none given: as it is)."""
    if not password:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    netloc = f"{quote(unquote(parts.username or ''), safe='')}:{quote(password, safe='')}@{host}" + (
        f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def is_server_url(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://"))


def connect(url: str) -> Any:
    """A psycopg connection with the project's schema first on the search path."""
    if not is_server_url(url):
        raise ServerError(f"{url}: not a server address (postgresql://USER@HOST/DATABASE)")
    try:
        import psycopg
    except ImportError as exc:
        raise ServerError("the team server needs psycopg: pip install 'annotator[team]'") from exc
    try:
        # jit off: the row-level security filters make PostgreSQL guess large costs and
        # spend a second compiling a pull of a few thousand rows that runs in milliseconds
        conn = psycopg.connect(url, options=f"-c search_path={SCHEMA},public -c jit=off", connect_timeout=20,
                               autocommit=True)
    except psycopg.Error as exc:
        raise ServerError(f"{shown(url)}: cannot connect ({str(exc).strip()})") from exc
    conn.info_url = shown(url)  # type: ignore[attr-defined]
    return conn


def server_error(exc: Exception, conn: Any) -> ServerError:
    """A psycopg error as a message; a row-level security refusal as `RefusedByServer`."""
    import psycopg

    where = getattr(conn, "info_url", "the server")
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return RefusedByServer(f"{where}: refused: {text}")
    return ServerError(f"{where}: {text}")
