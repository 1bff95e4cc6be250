"""MySQL / MariaDB live front end (PyMySQL): a read-only session over information_schema.

What is read: tables, views and columns of the URL's database (or of every non-system schema),
their types, keys, defaults and comments; accounts from ``mysql.user`` (plugin and the *form* of
the stored password, never the hash) and their grants from ``SHOW GRANTS``, parsed by the same
token-level code as GRANT statements in a mysqldump file; a few global variables and the active
audit plugins, written into a ``[mysqld]`` group of a ``mysql-cnf`` document as my.cnf would
write them, so the my.cnf rules judge the running server; and, when sampling is on, a bounded
``LIMIT`` of rows per table (never ``ORDER BY RAND()``, never a full scan).

The session is read-only (``SET SESSION TRANSACTION READ ONLY``, then ``START TRANSACTION READ
ONLY`` for sampling) with a per-statement time limit and short lock waits. Nothing is written.
"""

from __future__ import annotations

import contextlib
import math
from fnmatch import fnmatchcase
from urllib.parse import unquote, urlsplit

from scanner.finding import Location
from scanner.live import LiveError, LiveOptions, LiveSnapshot, mask_url, reason_of
from scanner.model.config import ConfigDocument, Directive
from scanner.model.schema import Column, Role, SchemaModel, Table

SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")
_VARIABLES = ("require_secure_transport", "have_ssl", "tls_version", "ssl_cipher", "log_bin",
              "general_log", "server_audit_logging", "bind_address", "skip_networking")
_AUDIT_PLUGINS = ("server_audit", "audit_log")
# Types whose values say what a column holds (phone numbers are often stored as BIGINT).
_SAMPLED_TYPES = ("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "bigint")
# Accounts, most precise form first. MariaDB keeps account locking in global_priv's JSON and
# lists roles in mysql.user (is_role); MySQL has an account_locked column.
_ACCOUNT_QUERIES = (
    ("SELECT u.User, u.Host, u.plugin, u.authentication_string, IF(JSON_VALUE(g.Priv, "
     "'$.account_locked') IN ('true', '1'), 'Y', 'N') FROM mysql.user u LEFT JOIN "
     "mysql.global_priv g ON g.User = u.User AND g.Host = u.Host WHERE u.is_role <> 'Y'"),
    "SELECT user, host, plugin, authentication_string, account_locked FROM mysql.user",
    "SELECT user, host, plugin, authentication_string, 'N' FROM mysql.user",
)
_TIMEOUT_ERRORS = {1317, 1969, 3024}  # query interrupted; MariaDB / MySQL statement time limit
_LOCK_ERRORS = {1205}  # lock wait timeout (metadata lock: LOCK TABLES ... WRITE elsewhere)
_DENIED_ERRORS = {1044, 1142, 1143, 1227, 1141}
_LOST_ERRORS = {2006, 2013, 2055, 1927, 4031}  # gone away; lost; killed; idle-disconnected
TIMED_OUT = "sampling timed out (max_statement_time): values not sampled"
LOCKED = "sampling timed out waiting for a lock another session holds (lock_wait_timeout): values not sampled"
DENIED = "permission denied (no SELECT privilege): values not sampled"


def connect(url: str, options: LiveOptions):
    """A PyMySQL connection for ``url``; LiveError (masked URL + the server's reason) on failure."""
    import pymysql

    parts = urlsplit(url)
    password = options.password if options.password is not None else unquote(parts.password or "")
    try:
        return pymysql.connect(
            host=parts.hostname or "localhost", port=parts.port or 3306,
            user=unquote(parts.username) if parts.username else None, password=password,
            database=database_of(url) or None, connect_timeout=10, charset="utf8mb4",
            autocommit=True, program_name="dpscan")
    except pymysql.MySQLError as exc:
        reason = exc.args[1] if len(exc.args) > 1 else str(exc)
        raise LiveError(f"cannot connect to {mask_url(url)}: "
                        f"{reason_of(mask_url(str(reason)), password)}") from None


def database_of(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/")).split("/", 1)[0]


def prepare_session(conn, options: LiveOptions) -> tuple[bool, list[str]]:
    """Make the session read-only and time-limited. Returns (is MariaDB, notes)."""
    import pymysql

    notes: list[str] = []
    cur = conn.cursor()
    cur.execute("SELECT VERSION()")
    mariadb = "mariadb" in str(cur.fetchone()[0]).lower()
    cur.execute("SET SESSION TRANSACTION READ ONLY")
    lock_s = max(1, math.ceil(options.lock_timeout_ms / 1000))
    limits = [("SET SESSION lock_wait_timeout = %s", lock_s),
              ("SET SESSION innodb_lock_wait_timeout = %s", lock_s)]
    if mariadb:
        limits.append(("SET SESSION max_statement_time = %s", options.statement_timeout_ms / 1000))
    else:
        limits.append(("SET SESSION max_execution_time = %s", int(options.statement_timeout_ms)))
    for sql, value in limits:
        try:
            cur.execute(sql, (value,))
        except pymysql.MySQLError as exc:  # a server without the variable: scan on, say so
            notes.append(f"could not set {sql.split()[2]}: {exc}")
    return mariadb, notes


def snapshot(url: str, options: LiveOptions) -> LiveSnapshot:
    import pymysql

    masked = mask_url(url)
    conn = connect(url, options)
    snap = LiveSnapshot(url=masked, engine="mysql", schema=SchemaModel(dialect="mysql", source="live"))
    try:
        mariadb, notes = prepare_session(conn, options)
        snap.notes.extend(notes)
        cur = conn.cursor()
        # Each step records its own failure (a timeout, a refused catalog, a server that went
        # away) and the scan goes on with what could be read.
        for what, read in (("catalog", lambda: _read_catalog(cur, snap.schema, database_of(url), options)),
                           ("accounts", lambda: _read_accounts(cur, snap, mariadb)),
                           ("server settings", lambda: setattr(snap, "settings", _read_settings(cur, snap)))):
            try:
                read()
            except pymysql.MySQLError as exc:  # a timeout, or the server went away: go on
                snap.errors.append((what, f"not read: {_describe(exc, options)}"))
        if options.sample and options.max_samples > 0:
            conn = _Sampler(url, conn, options, snap).run(snap.schema.tables.values())
        else:
            snap.notes.append("value sampling is off (--no-sample): columns classified by name, "
                              "type and comment only")
    finally:
        _close(conn)
    if snap.schema.tables:
        from scanner.enrich.pii import classify_model

        classify_model(snap.schema)
    return snap


def _describe(exc, options: LiveOptions) -> str:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
    reason = reason_of(exc.args[-1] if exc.args and str(exc.args[-1]).strip() else exc, options.password)
    if code in _LOST_ERRORS or not code:
        return f"connection to the server lost ({reason})"
    return reason


# ---- catalog ------------------------------------------------------------------------------------

def _matches(globs: tuple[str, ...], *names: str) -> bool:
    return any(fnmatchcase(name.lower(), glob.lower()) for glob in globs for name in names)


def _selected(schema: str, table: str, options: LiveOptions) -> bool:
    if options.schemas and not _matches(options.schemas, schema):
        return False
    if options.exclude_schemas and _matches(options.exclude_schemas, schema):
        return False
    names = (table, f"{schema}.{table}")
    if options.tables and not _matches(options.tables, *names):
        return False
    return not (options.exclude_tables and _matches(options.exclude_tables, *names))


def _read_catalog(cur, model: SchemaModel, database: str, options: LiveOptions) -> None:
    if database:
        where, params = "TABLE_SCHEMA = %s", (database,)
    else:
        where, params = "TABLE_SCHEMA NOT IN (%s, %s, %s, %s)", SYSTEM_SCHEMAS
    cur.execute("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_COMMENT FROM "
                f"information_schema.TABLES WHERE {where} ORDER BY TABLE_SCHEMA, TABLE_NAME", params)
    for schema, name, kind, comment in cur.fetchall():
        if not _selected(schema, name, options):
            continue
        view = "VIEW" in (kind or "").upper()
        model.add_table(Table(name=name, schema=schema, kind="view" if view else "table",
                              comment="" if view else comment or "",
                              location=Location(object=f"{schema}.{name}")))
    cur.execute("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
                "COLUMN_DEFAULT, COLUMN_KEY, COLUMN_COMMENT FROM information_schema.COLUMNS "
                f"WHERE {where} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION", params)
    for schema, name, column, ctype, nullable, default, key, comment in cur.fetchall():
        table = model.find_table(name, schema)
        if table is None:
            continue
        table.add_column(Column(
            name=column, data_type=(ctype or "").lower(), comment=comment or "",
            default=None if default in (None, "NULL") else str(default),
            nullable=nullable == "YES", primary_key=key == "PRI",
            location=Location(object=f"{schema}.{name}.{column}")))


# ---- accounts and grants ------------------------------------------------------------------------

def _read_accounts(cur, snap: LiveSnapshot, mariadb: bool) -> None:
    import pymysql

    from scanner.parsers._sql_facts import _password_form

    model = snap.schema
    rows = None
    for sql in _ACCOUNT_QUERIES[0 if mariadb else 1:]:
        try:
            cur.execute(sql)
            rows = cur.fetchall()
            break
        except pymysql.MySQLError:
            continue  # an older server (no account_locked) or global_priv not readable: next form
    if rows is None:
        snap.errors.append(("mysql.user", "not readable: grant checks not assessed"))
        _apply_grants(cur, model, "SHOW GRANTS FOR CURRENT_USER()", (), snap)
        return
    for user, host, plugin, auth, locked in rows:
        user, host = _text(user), _text(host)
        plugin, auth = (_text(plugin) or "").lower(), _text(auth) or ""
        form = _password_form(auth, stored=True)
        # A locked account (ACCOUNT LOCK, MariaDB's mariadb.sys) cannot log in at all.
        attributes = {"PASSWORD", form} | (set() if _text(locked) == "Y" else {"LOGIN"})
        if plugin and not (plugin == "mysql_native_password" and form == "PASSWORD_MYSQL_HASH"):
            attributes.add(f"PLUGIN_{plugin.upper()}")
        key = f"'{user}'@'{host}'"
        model.roles[key] = Role(name=user, host=host, attributes=attributes,
                                location=Location(object=f"user:{key}"))
        _apply_grants(cur, model, "SHOW GRANTS FOR %s@%s", (user, host), snap)


def _apply_grants(cur, model: SchemaModel, sql: str, params: tuple, snap: LiveSnapshot) -> None:
    import pymysql

    from scanner.parsers._sql_facts import apply_grant, lex

    try:
        cur.execute(sql, params)
        rows = cur.fetchall()
    except pymysql.MySQLError as exc:
        who = "'{}'@'{}'".format(*params) if params else "current user"
        snap.errors.append((f"grants of {who}", f"SHOW GRANTS failed: {exc.args[-1]}"))
        return
    for (statement,) in rows:
        tokens = list(lex(_text(statement) or "", "mysql"))
        if tokens and tokens[0].is_("GRANT"):
            apply_grant(model, tokens, Location())


def _text(value) -> str | None:
    return value.decode("utf-8", "replace") if isinstance(value, (bytes, bytearray)) else value


# ---- settings -----------------------------------------------------------------------------------

def _read_settings(cur, snap: LiveSnapshot) -> ConfigDocument:
    from scanner.parsers.config_mycnf import FAMILY, CnfOption

    placeholders = ", ".join(["%s"] * len(_VARIABLES))
    cur.execute(f"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({placeholders})", _VARIABLES)
    found = {str(name).lower(): _text(value) or "" for name, value in cur.fetchall()}
    cur.execute("SELECT LOWER(PLUGIN_NAME) FROM information_schema.PLUGINS "
                "WHERE PLUGIN_STATUS = 'ACTIVE'")
    plugins = [p for (p,) in cur.fetchall() if p in _AUDIT_PLUGINS]
    group = Directive(name="[mysqld]")
    context = (group.name,)

    def option(name: str, value: str | None = None) -> None:
        args = () if value is None else (value,)
        group.children.append(CnfOption(name=name, args=args, line=0, context=context))

    on = {k: v.upper() in ("ON", "1", "YES") for k, v in found.items()}
    if found.get("skip_networking", "").upper() == "ON":
        option("skip-networking")
    option("bind-address", found.get("bind_address") or "*")  # empty: every interface
    if "require_secure_transport" in found:
        option("require_secure_transport", "ON" if on["require_secure_transport"] else "OFF")
    if found.get("have_ssl", "YES").upper() != "YES":
        option("skip-ssl")  # have_ssl DISABLED/NO: the server cannot encrypt any connection
    else:
        if "tls_version" in found:
            option("tls_version", found["tls_version"])
        if found.get("ssl_cipher"):
            option("ssl_cipher", found["ssl_cipher"])
    if "log_bin" in found:
        option("log-bin" if on["log_bin"] else "skip-log-bin")
    for plugin in plugins:
        option("plugin-load-add", f"{plugin}.so")
    for name in ("server_audit_logging", "general_log"):
        if name in found:
            option(name, "ON" if on[name] else "OFF")
    cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
    row = cur.fetchone()
    if not row or not _text(row[1]):
        snap.notes.append("the scan's own connection is not encrypted (Ssl_cipher is empty)")
    doc = ConfigDocument(family=FAMILY)
    doc.root.children.append(group)
    return doc


# ---- sampling -----------------------------------------------------------------------------------

def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _sampled(column: Column) -> bool:
    base = column.data_type.split("(", 1)[0].split()[0] if column.data_type else ""
    return base in _SAMPLED_TYPES


class _Sampler:
    """Samples each table in its own ``START TRANSACTION READ ONLY`` ... ``ROLLBACK`` (metadata
    locks are released table by table). If the session is lost (server restarted, connection
    killed), reconnects once and goes on; if that fails, records every table left."""

    def __init__(self, url: str, conn, options: LiveOptions, snap: LiveSnapshot) -> None:
        self.url, self.conn, self.options, self.snap = url, conn, options, snap
        self.reconnected = False
        self.gone: str | None = None

    def run(self, tables):
        """Sample every table; return the connection to close."""
        for table in list(tables):
            columns = [c for c in table.columns.values() if _sampled(c)]
            if not columns:
                continue
            if self.gone is not None:
                self.snap.errors.append((table.qualified_name, f"not sampled: {self.gone}"))
                continue
            message = self._one(table, columns)
            if message:
                self.snap.errors.append((table.qualified_name, message))
        return self.conn

    def _one(self, table: Table, columns: list[Column]) -> str | None:
        import pymysql

        try:
            cur = self.conn.cursor()
            cur.execute("START TRANSACTION READ ONLY")
            try:
                _sample(cur, table, columns, self.options.max_samples)
            except pymysql.MySQLError:
                try:
                    cur.execute("ROLLBACK")
                except pymysql.MySQLError:
                    pass  # the session is gone: the first error says why
                raise
            cur.execute("ROLLBACK")
            return None
        except pymysql.MySQLError as exc:
            code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
            if code in _TIMEOUT_ERRORS:
                return TIMED_OUT
            if code in _LOCK_ERRORS:
                return LOCKED
            if code in _DENIED_ERRORS:
                return DENIED
            described = _describe(exc, self.options)
            if code in _LOST_ERRORS or not code or not self.conn.open:
                self._reconnect(described)
                return f"{described} while sampling: values not sampled"
            return f"sampling failed ({described}): values not sampled"

    def _reconnect(self, described: str) -> None:
        _close(self.conn)
        if self.reconnected:
            self.gone = described
            return
        import pymysql

        self.reconnected = True
        try:
            self.conn = connect(self.url, self.options)
            prepare_session(self.conn, self.options)
        except LiveError as exc:
            self.gone = f"{described}, not re-established ({exc})"
        except pymysql.MySQLError as exc:  # while preparing the new session
            self.gone = f"{described}, not re-established ({reason_of(exc, self.options.password)})"


def _close(conn) -> None:
    import pymysql

    if conn.open:  # closed already when the server went away
        with contextlib.suppress(pymysql.MySQLError):
            conn.close()


def _sample(cur, table: Table, columns: list[Column], max_samples: int) -> None:
    names = ", ".join(_quote(c.name) for c in columns)
    # A bounded read of the first rows: LIMIT stops the scan early, unlike ORDER BY RAND().
    sql = (f"SELECT {names} FROM {_quote(table.schema or '')}.{_quote(table.name)} "
           f"LIMIT {int(max_samples) * 5}")
    cur.execute(sql)
    rows = cur.fetchall()
    seen: list[set[str]] = [set() for _ in columns]
    for row in rows:
        for index, value in enumerate(row):
            text = _text(value)
            text = str(text).strip() if text is not None else ""
            if text and text not in seen[index] and len(seen[index]) < max_samples:
                seen[index].add(text)
                columns[index].samples.append(text)
