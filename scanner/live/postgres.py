"""PostgreSQL front end (psycopg 3): a read-only snapshot of one database's catalog.

Every session is read-only (``SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`` and
``default_transaction_read_only``) under the options' statement and lock timeouts, in autocommit
so that one refused query (a catalog the role may not read) does not abort the others. The
catalog is read with a few set-based queries (scanner.live._pg_catalog); values are sampled with
one SELECT per table (ACCESS SHARE only), optionally over ``options.jobs`` connections, and kept
in memory only; the classifier masks whatever it reports.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from fnmatch import fnmatchcase
from urllib.parse import urlsplit, urlunsplit

from scanner.finding import Location
from scanner.live import LiveError, LiveOptions, LiveSnapshot, mask_url, reason_of
from scanner.live import _pg_catalog as q
from scanner.model.config import ConfigDocument, Directive
from scanner.model.schema import Column, Grant, Role, SchemaModel, Table

_TABLE_PRIVILEGES = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
                               "TRIGGER"})
_DEFAULT_KINDS = {"r": "table", "S": "sequence", "f": "function", "T": "type", "n": "schema"}
_SAMPLED_KINDS = ("r", "p", "m")  # views are not sampled: that would run their query
_MAX_VALUE_CHARS = 1000
TIMED_OUT = "sampling timed out (statement_timeout): not classified by values"
LOCKED = ("sampling timed out waiting for a lock another session holds (lock_timeout): "
          "not classified by values")
DENIED = "permission denied (no SELECT privilege): not sampled, classified by name and comment only"


def snapshot(url: str, options: LiveOptions) -> LiveSnapshot:
    conn = connect(url, options)
    snap = LiveSnapshot(url=mask_url(url), engine="postgres",
                        schema=SchemaModel(dialect="postgres", source="live"))
    tables: dict[int, tuple] = {}
    try:
        # Each step records its own failure (a timeout, a refused catalog, a server that went
        # away) and the scan goes on with what could be read.
        _step(snap, options, "catalog", lambda: read_catalog(conn, snap, options, tables))
        _step(snap, options, "server settings", lambda: setattr(snap, "settings", read_settings(conn)))
        _step(snap, options, "pg_hba_file_rules",
              lambda: setattr(snap, "access_rules", read_hba(conn, snap)))
        _step(snap, options, "pg_stat_ssl", lambda: _encrypted(conn) or snap.notes.append(
            "the scan's own connection is not encrypted"))
        if options.sample:
            conn = sample(url, conn, tables, snap, options)
    finally:
        conn.close()
    from scanner.enrich.pii import classify_model

    classify_model(snap.schema)
    return snap


def _step(snap: LiveSnapshot, options: LiveOptions, what: str, read) -> None:
    import psycopg

    try:
        read()
    except psycopg.errors.QueryCanceled as exc:
        snap.errors.append((what, f"not read: statement timed out ({_reason(exc, options)})"))
    except psycopg.Error as exc:
        lost = "connection to the server lost, " if _lost(exc) else ""
        snap.errors.append((what, f"not read: {lost}{_reason(exc, options)}"))


def _reason(exc: BaseException, options: LiveOptions) -> str:
    """The server's primary message (no statement context), else the driver's, on one line."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return reason_of(primary or exc, options.password)


def _lost(exc: BaseException) -> bool:
    """Whether ``exc`` means the session is gone (server stopped, backend terminated)."""
    import psycopg

    return isinstance(exc, psycopg.OperationalError) and not isinstance(
        exc, (psycopg.errors.QueryCanceled, psycopg.errors.LockNotAvailable))


def connect(url: str, options: LiveOptions):
    """A read-only autocommit session; LiveError (masked URL + the server's reason) if none."""
    import psycopg

    parts = urlsplit(url)
    conninfo = urlunsplit(("postgresql", *parts[1:]))  # postgres://, postgresql+psycopg://
    extra = {"password": options.password} if options.password is not None else {}
    try:
        conn = psycopg.connect(conninfo, connect_timeout=10, autocommit=True,
                               application_name="dpscan", **extra)
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise LiveError(f"cannot connect to {mask_url(url)}: {mask_url(reason)}") from None
    try:
        prepare_session(conn, options)
    except psycopg.Error as exc:
        conn.close()
        raise LiveError(f"cannot set up a read-only session on {mask_url(url)}: "
                        f"{_reason(exc, options)}") from None
    return conn


def prepare_session(conn, options: LiveOptions) -> None:
    """Make every later transaction of ``conn`` read-only and bounded in time."""
    conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    conn.execute("SET default_transaction_read_only = on")
    conn.execute(f"SET statement_timeout = {int(options.statement_timeout_ms)}")
    conn.execute(f"SET lock_timeout = {int(options.lock_timeout_ms)}")
    # A plain SELECT ... LIMIT of a big table must start at its first page, not wherever a
    # concurrent scan is: two scans of an unchanged table sample the same rows.
    conn.execute("SET synchronize_seqscans = off")


# ---- catalog -----------------------------------------------------------------------------------

def read_catalog(conn, snap: LiveSnapshot, options: LiveOptions,
                 kept: dict[int, tuple] | None = None) -> dict[int, tuple]:
    """Fill snap.schema and ``kept`` (returned): oid -> (table, relkind, (estimated rows, pages),
    text-like columns). What was read before a failure stays in both."""
    model = snap.schema
    kept = {} if kept is None else kept
    for oid, schema, name, kind, rls, rows, pages, comment, definition in conn.execute(q.TABLES):
        if not _wanted(schema, name, options):
            continue
        table = Table(name=name, schema=schema, comment=comment, row_level_security=bool(rls),
                      kind="view" if kind in ("v", "m") else "table", definition=definition or "",
                      location=Location(object=f"{schema}.{name}"))
        kept[oid] = (model.add_table(table), kind, (int(rows or 0), int(pages or 0)), [])
    for oid, name, dtype, notnull, default, comment, pk, category in conn.execute(q.COLUMNS, [list(kept)]):
        table = kept[oid][0]
        column = Column(name=name, data_type=dtype.lower(), comment=comment, default=default,
                        nullable=not notnull, primary_key=bool(pk),
                        location=Location(object=f"{table.qualified_name}.{name}"))
        table.add_column(column)
        if category == "S":  # string types: the sampling candidates
            kept[oid][3].append(column)
    model.extensions |= {name for (name,) in conn.execute(q.EXTENSIONS)}
    _read_roles(conn, snap)
    _read_grants(conn, model, kept)
    return kept


def _wanted(schema: str, name: str, options: LiveOptions) -> bool:
    if options.schemas and not any(fnmatchcase(schema, g) for g in options.schemas):
        return False
    if any(fnmatchcase(schema, g) for g in options.exclude_schemas):
        return False
    names = (f"{schema}.{name}", name)
    if options.tables and not any(fnmatchcase(n, g) for n in names for g in options.tables):
        return False
    return not any(fnmatchcase(n, g) for n in names for g in options.exclude_tables)


def _read_roles(conn, snap: LiveSnapshot) -> None:
    import psycopg

    model = snap.schema
    flags = ("SUPERUSER", "CREATEROLE", "CREATEDB", "BYPASSRLS", "REPLICATION", "LOGIN", "INHERIT")
    for name, *values, valid_until in conn.execute(q.ROLES):
        role = Role(name=name, location=Location(object=f"role:{name}"))
        role.attributes = {flag for flag, on in zip(flags, values) if on}
        if valid_until is not None:
            role.attributes.add("VALID_UNTIL_INFINITY" if valid_until == "infinity" else "VALID_UNTIL")
        model.roles[name] = role
    for role, member, admin in conn.execute(q.MEMBERSHIPS):
        if member.startswith("pg_"):
            continue  # built-in roles' memberships among themselves (pg_monitor ...)
        model.grants.append(Grant(privileges=("MEMBER",), object_type="role", object_name=role,
                                  grantee=member, with_grant_option=bool(admin),
                                  location=Location(object=f"role:{member}")))
    try:
        forms = conn.execute(q.PASSWORD_FORMS).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        snap.notes.append("pg_authid not readable: role password forms not assessed")
        return
    for name, form in forms:
        if form is not None and name in model.roles:
            model.roles[name].attributes |= {"PASSWORD", form}


def _read_grants(conn, model: SchemaModel, kept: dict) -> None:
    grouped: dict[tuple[str, str, str, bool], set[str]] = defaultdict(set)
    for oid, grantee, privilege, grantable in conn.execute(q.TABLE_PRIVILEGES):
        if oid in kept:
            grouped[("table", kept[oid][0].qualified_name, grantee, grantable)].add(privilege)
    for schema, grantee, privilege, grantable in conn.execute(q.SCHEMA_PRIVILEGES):
        grouped[("schema", schema, grantee, grantable)].add(privilege)
    for schema, kind, grantee, privilege, grantable in conn.execute(q.DEFAULT_PRIVILEGES):
        target = f"{schema}.*" if schema else "*"
        grouped[(f"default_{_DEFAULT_KINDS.get(kind, kind)}", target, grantee, grantable)].add(privilege)
    for (object_type, name, grantee, grantable), privileges in grouped.items():
        table_like = object_type in ("table", "default_table")
        privs = ("ALL",) if table_like and privileges >= _TABLE_PRIVILEGES else tuple(sorted(privileges))
        model.grants.append(Grant(privileges=privs, object_type=object_type, object_name=name,
                                  grantee=grantee, with_grant_option=bool(grantable),
                                  location=Location(object=name)))


# ---- settings, pg_hba, transport ---------------------------------------------------------------

def read_settings(conn) -> ConfigDocument:
    """The effective server settings, as postgresql.conf directives (``ssl = on`` -> ("on",))."""
    doc = ConfigDocument(family="postgresql-conf")
    rows = dict(conn.execute(q.SETTINGS, [list(q.SETTING_NAMES)]).fetchall())
    order = [n for n in q.SETTING_NAMES if n in rows] + sorted(n for n in rows if n not in q.SETTING_NAMES)
    if rows.get("archive_command") == "(disabled)":  # SHOW's word for archive_mode = off
        rows["archive_command"] = ""
    doc.root.children = [Directive(name=n, args=(rows[n] or "",), line=0) for n in order]
    return doc


def read_hba(conn, snap: LiveSnapshot) -> ConfigDocument | None:
    import psycopg

    from scanner.parsers.config_pg_hba import HbaRecord, HbaToken

    try:
        rows = conn.execute(q.HBA_RULES).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        snap.errors.append(("pg_hba_file_rules", "not readable: pg-hba checks not assessed"))
        return None
    doc = ConfigDocument(family="pg-hba")
    for line, kind, databases, users, address, netmask, method, options, error in rows:
        if error:
            doc.warnings.append((line, f"pg_hba.conf: {error}: record ignored by the server"))
            continue
        addr = None if kind == "local" else HbaToken(_cidr(address or "all", netmask))
        opts = tuple(tuple(o.partition("=")[::2]) for o in options or ())
        dbs = tuple(HbaToken(d) for d in databases or ())
        who = tuple(HbaToken(u) for u in users or ())
        args = (",".join(databases or ()), ",".join(users or ()), addr.text if addr else "",
                method, *(options or ()))
        doc.root.children.append(HbaRecord(name=kind, args=args, line=line or 0, databases=dbs,
                                           users=who, address=addr, method=method, options=opts))
    return doc


def _cidr(address: str, netmask: str | None) -> str:
    if not netmask:
        return address
    try:
        return str(ipaddress.ip_network(f"{address}/{netmask}", strict=False))
    except ValueError:
        return address


def _encrypted(conn) -> bool:
    row = conn.execute(q.CONNECTION_SSL).fetchone()
    return bool(row and row[0])


# ---- sampling ----------------------------------------------------------------------------------

def sample(url: str, conn, tables: dict, snap: LiveSnapshot, options: LiveOptions):
    """Fill Column.samples of the text-like columns of every table (one SELECT per table).

    Returns the connection to close (a new one if the session was lost and re-established)."""
    work = [(table, rows, columns) for table, kind, rows, columns in tables.values()
            if kind in _SAMPLED_KINDS and columns]
    jobs = max(1, min(options.jobs, len(work)))
    if jobs == 1:
        sampler = _Sampler(url, conn, options)
        snap.errors.extend(sampler.run(work))
        return sampler.conn
    chunks = [work[i::jobs] for i in range(jobs)]

    def run(chunk):
        try:
            own = connect(url, options)
        except LiveError as exc:
            return [(table.qualified_name, f"not sampled: {exc}") for table, _, _ in chunk]
        sampler = _Sampler(url, own, options)
        try:
            return sampler.run(chunk)
        finally:
            sampler.conn.close()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for errors in pool.map(run, chunks):
            snap.errors.extend(errors)
    snap.errors.sort()
    return conn


class _Sampler:
    """Samples tables over one session; if the session is lost (server restarted, backend
    terminated), reconnects once and goes on, and if that fails records every table left."""

    def __init__(self, url: str, conn, options: LiveOptions) -> None:
        self.url, self.conn, self.options = url, conn, options
        self.reconnected = False
        self.gone: str | None = None  # why no session is left, once reconnecting failed

    def run(self, work) -> list[tuple[str, str]]:
        import psycopg

        errors = []
        for table, rows, columns in work:
            name = table.qualified_name
            if self.gone is None and self.conn.broken:
                self._reconnect("the session was closed")
            if self.gone is not None:
                errors.append((name, f"not sampled: {self.gone}"))
                continue
            try:
                sample_table(self.conn, table, columns, rows, self.options.max_samples)
            except psycopg.errors.LockNotAvailable:
                errors.append((name, LOCKED))
            except psycopg.errors.QueryCanceled:
                errors.append((name, TIMED_OUT))
            except psycopg.errors.InsufficientPrivilege:
                errors.append((name, DENIED))
            except psycopg.Error as exc:
                reason = _reason(exc, self.options)
                if _lost(exc) or self.conn.broken:
                    errors.append((name, (f"connection to the server lost while sampling ({reason}): "
                                          "not classified by values")))
                    self._reconnect(reason)
                else:
                    errors.append((name, f"sampling failed ({reason}): not classified by values"))
        return errors

    def _reconnect(self, reason: str) -> None:
        self.conn.close()
        if self.reconnected:
            self.gone = f"connection to the server lost ({reason})"
            return
        self.reconnected = True
        try:
            self.conn = connect(self.url, self.options)
        except LiveError as exc:
            self.gone = f"connection to the server lost and not re-established ({exc})"


def sample_table(conn, table: Table, columns: list[Column], estimate: tuple[int, int],
                 max_samples: int) -> None:
    """Up to max_samples distinct non-empty values per column, from one bounded SELECT."""
    from psycopg import sql

    wanted = max_samples * 5
    picks = sql.SQL(", ").join(
        sql.SQL("left({}::text, {})").format(sql.Identifier(c.name), sql.Literal(_MAX_VALUE_CHARS))
        for c in columns)
    source = sql.Identifier(table.schema, table.name)
    plain = sql.SQL("SELECT {} FROM {} LIMIT {}").format(picks, source, sql.Literal(wanted))
    rows, pages = estimate
    result = []
    if rows > 10 * max_samples and pages > 0:
        # SYSTEM picks whole pages: ask for twice the rows needed, and for 16 pages at least,
        # so that a small table does not come back empty by chance.
        percent = min(100.0, max(200.0 * wanted / rows, 1600.0 / pages))
        # REPEATABLE: the same pages on every run over an unchanged table (deterministic results).
        result = conn.execute(sql.SQL("SELECT {} FROM {} TABLESAMPLE SYSTEM ({}) REPEATABLE (0) LIMIT {}").format(
            picks, source, sql.Literal(round(percent, 4)), sql.Literal(wanted))).fetchall()
    if not result:
        result = conn.execute(plain).fetchall()
    seen: list[dict[str, None]] = [{} for _ in columns]
    for row in result:
        for values, value in zip(seen, row):
            if value and value.strip() and len(values) < max_samples:
                values[value] = None
    for column, values in zip(columns, seen):
        column.samples = list(values)
