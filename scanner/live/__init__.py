"""Live databases: read-only catalog introspection into the same models dumps and configs fill.

A front end (postgres.py, mysql.py, sqlite.py) connects to one URL and returns a
``LiveSnapshot``: the schema model (tables, columns, comments, grants, roles, sampled values)
and, where the server exposes them, its settings and host-based access rules as config
documents of the same families as postgresql.conf / my.cnf / pg_hba.conf. The engine runs the
very rules that judge dumps and config files on them, so a column, a grant or a setting gets the
same finding whether it came from a dump, a config file or a live server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
import re
from urllib.parse import urlsplit, urlunsplit

from scanner.model.config import ConfigDocument
from scanner.model.schema import SchemaModel

_QUERY_SECRET = re.compile(r"((?:^|&)(?:password|passwd|pwd|sslpassword)=)[^&]*", re.IGNORECASE)

# scheme -> "module:function"; each function is connect(url: str, options: LiveOptions) -> LiveSnapshot
CONNECTORS: dict[str, str] = {
    "postgresql": "scanner.live.postgres:snapshot",
    "postgres": "scanner.live.postgres:snapshot",
    "mysql": "scanner.live.mysql:snapshot",
    "mariadb": "scanner.live.mysql:snapshot",
    "sqlite": "scanner.live.sqlite:snapshot",
}


class LiveError(Exception):
    """The database cannot be scanned at all (unreachable, refused, unknown scheme): exit 2."""


@dataclass(frozen=True)
class LiveOptions:
    schemas: tuple[str, ...] = ()  # globs; empty = every non-system schema
    exclude_schemas: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()  # globs on schema.table or table
    exclude_tables: tuple[str, ...] = ()
    sample: bool = True
    max_samples: int = 100
    password: str | None = None  # from --password-env / PGPASSWORD / MYSQL_PWD; never printed
    statement_timeout_ms: int = 10_000
    lock_timeout_ms: int = 1_000
    jobs: int = 1


@dataclass
class LiveSnapshot:
    url: str  # masked: safe to print
    engine: str  # "postgres" | "mysql" | "sqlite"
    schema: SchemaModel
    settings: ConfigDocument | None = None  # family "postgresql-conf" or "mysql-cnf"
    access_rules: ConfigDocument | None = None  # family "pg-hba" when pg_hba_file_rules is readable
    # Objects that could not be read (a table that timed out, a catalog the role may not see):
    # (object, message). They make the clauses they concern partial, never clean.
    errors: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "connection is not encrypted"

    def fingerprint_source(self) -> str:
        """A stable text of the structure (no sampled values), hashed as the input's sha256."""
        lines = [f"{self.engine} {self.url}"]
        for table, column in self.schema.columns():
            lines.append(f"{table.qualified_name}.{column.name} {column.data_type} {column.comment}")
        for name, directive in sorted((d.key, d) for d in (self.settings.walk() if self.settings else ())):
            lines.append(f"setting {name}={directive.value}")
        return "\n".join(lines)


def mask_url(url: str) -> str:
    """The URL with its password (and password-like query parameters) starred, for every output
    and log. Only credentials are touched: a database name with digits in it stays readable."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, hostinfo = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:****@{hostinfo}"
    query = _QUERY_SECRET.sub(lambda m: m.group(1) + "****", parts.query)
    if (netloc, query) == (parts.netloc, parts.query):
        return url  # nothing secret; urlunsplit would also drop sqlite:///'s empty authority
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


_TEXT_URL_PASSWORD = re.compile(r"(://[^/\s:@]*:)[^@\s/]+@")


def reason_of(exc: BaseException | str, password: str | None = None, limit: int = 300) -> str:
    """A driver's or server's error as one line for the result: no traceback, URL passwords
    starred, the session's password (if any) removed, at most ``limit`` characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = _TEXT_URL_PASSWORD.sub(lambda m: m.group(1) + "****@", text)
    text = _QUERY_SECRET.sub(lambda m: m.group(1) + "****", text)
    if password:
        text = text.replace(password, "****")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def database_identity(url: str) -> str:
    """scheme://host:port/database with no user or password: the stable name of a database in
    finding objects and fingerprints, whichever credentials a run used."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{scheme_of(url)}://{host}{port}{parts.path}"


def scheme_of(url: str) -> str:
    return urlsplit(url).scheme.split("+", 1)[0].lower()


def take_snapshot(url: str, options: LiveOptions) -> LiveSnapshot:
    scheme = scheme_of(url)
    target = CONNECTORS.get(scheme)
    if target is None:
        known = ", ".join(sorted(CONNECTORS))
        raise LiveError(f"unsupported database URL scheme {scheme!r} in {mask_url(url)} (known: {known})")
    module_name, _, attr = target.partition(":")
    return getattr(import_module(module_name), attr)(url, options)
