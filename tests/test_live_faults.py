"""Live-database faults against real servers (never mocks): a server that goes away mid-scan, a
statement that times out or waits on a lock, a role without SELECT, and proof that a scan never
writes. Each fault is recorded in the snapshot's errors (a clear reason, no traceback, no
password) and the scan finishes with what it could read.

Determinism: a fault happens at a known point. The test holds a lock on the first table sampled,
waits until pg_stat_activity (or the MariaDB process list) shows dpscan's session waiting for
that lock, and only then terminates the backend / stops the server / lets a timeout fire.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.live_servers import port_open, start_mariadb, start_postgres

REPO = Path(__file__).resolve().parent.parent
PG_UP = port_open("127.0.0.1", 5432)
MY_UP = port_open("127.0.0.1", 3306)
SECRET = "Pw-never-shown-7x"  # put in every URL: must appear in no message

from scanner.live import LiveOptions, take_snapshot


def _phone(n: int) -> str:
    return f"139{(n * 7919) % 10**8:08d}"


def _no_secret(snap) -> None:
    text = repr(snap.errors) + repr(snap.notes) + snap.url
    assert SECRET not in text
    assert "Traceback" not in text
    for _, message in snap.errors:
        assert "\n" not in message and message.strip() == message


def _wait_for(predicate, what: str, limit: float = 120.0) -> None:
    """Poll until ``predicate()`` is true (a guard against a hang, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


class _Background:
    """take_snapshot in a thread: the test provokes a fault while the scan waits."""

    def __init__(self, url: str, options: LiveOptions) -> None:
        self.result = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(url, options), daemon=True)
        self.thread.start()

    def _run(self, url, options) -> None:
        try:
            self.result = take_snapshot(url, options)
        except BaseException as exc:  # reported by join()
            self.error = exc

    def join(self):
        self.thread.join(180)
        assert not self.thread.is_alive(), "the scan did not finish"
        if self.error is not None:
            raise self.error
        return self.result


# =================================================================================================
# PostgreSQL
# =================================================================================================

pg = pytest.mark.skipif(not PG_UP, reason="no PostgreSQL server on 127.0.0.1:5432")


def _psycopg():
    return pytest.importorskip("psycopg")


def _pg_admin(db: str = "postgres", port: int = 5432, autocommit: bool = True):
    return _psycopg().connect(f"postgresql://postgres@127.0.0.1:{port}/{db}", autocommit=autocommit)


PG_TABLES = (
    # a_busy sorts first: it is sampled first, while the rest is still to do.
    "CREATE TABLE a_busy (id int, contact text)",
    "INSERT INTO a_busy SELECT g, 'x' || g FROM generate_series(1, 5) g",
    "CREATE TABLE customer (id serial PRIMARY KEY, ref_value varchar(20), note text)",
    ("INSERT INTO customer (ref_value, note) SELECT '139' || lpad(((g * 7919) % 100000000)::text, 8, '0'), "
     "'n' || g FROM generate_series(1, 60) g"),
    "CREATE TABLE z_after (id int, memo text)",
    "INSERT INTO z_after SELECT g, 'memo ' || g FROM generate_series(1, 5) g",
)


@pytest.fixture
def pg_db(request):
    """A fresh database on the shared server with PG_TABLES; dropped (with its roles) after."""
    suffix = uuid.uuid4().hex[:8]
    name = f"dpscan_f_{suffix}"
    roles: list[str] = []
    admin = _pg_admin()
    admin.execute(f"CREATE DATABASE {name}")

    def close():
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for role in roles:
            admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.close()

    request.addfinalizer(close)
    with _pg_admin(name) as conn:
        for statement in PG_TABLES:
            conn.execute(statement)

    class Db:
        db = name

        @staticmethod
        def role(stem: str, options: str = "LOGIN") -> str:
            role = f"{stem}_{suffix}"
            admin.execute(f"CREATE ROLE {role} {options}")
            roles.append(role)
            return role

        @staticmethod
        def url(user: str = "postgres", port: int = 5432) -> str:
            return f"postgresql://{user}:{SECRET}@127.0.0.1:{port}/{name}"

    return Db


def _hold_pg_lock(db: str, table: str, port: int = 5432):
    conn = _pg_admin(db, port, autocommit=False)
    conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    return conn


def _pg_waiting_pid(monitor, db: str) -> int | None:
    row = monitor.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = 'dpscan' "
        "AND wait_event_type = 'Lock'", [db]).fetchone()
    return row[0] if row else None


def _phones_found(snap, table: str = "customer", schema: str = "public") -> bool:
    column = snap.schema.find_table(table, schema).get_column("ref_value")
    return bool(column.samples) and column.pii is not None and column.pii.category == "phone"


@pg
def test_pg_backend_terminated_mid_sampling(pg_db):
    """pg_terminate_backend while dpscan waits on a lock: that table is recorded as lost, dpscan
    reconnects once and samples the rest."""
    locker = _hold_pg_lock(pg_db.db, "a_busy")
    monitor = _pg_admin(pg_db.db)
    try:
        scan = _Background(pg_db.url(), LiveOptions(lock_timeout_ms=600_000,
                                                    statement_timeout_ms=600_000))
        _wait_for(lambda: _pg_waiting_pid(monitor, pg_db.db) is not None, "dpscan to wait on a_busy")
        monitor.execute("SELECT pg_terminate_backend(%s)", [_pg_waiting_pid(monitor, pg_db.db)])
        snap = scan.join()
    finally:
        locker.rollback()
        locker.close()
        monitor.close()
    errors = dict(snap.errors)
    assert list(errors) == ["public.a_busy"], snap.errors
    assert errors["public.a_busy"].startswith("connection to the server lost while sampling (")
    assert "terminating connection due to administrator command" in errors["public.a_busy"]
    assert _phones_found(snap)  # sampled on the new session
    assert snap.schema.find_table("z_after", "public").get_column("memo").samples
    assert snap.settings is not None
    _no_secret(snap)


@pytest.fixture
def pg_server(tmp_path, request):
    if not Path("/usr/lib/postgresql/15/bin/initdb").exists():
        pytest.skip("no PostgreSQL server binaries")
    try:
        port, stop = start_postgres(tmp_path, ["log_statement = 'all'",
                                               "log_line_prefix = '@@%a|%p@@ '"], [])
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot start a throwaway PostgreSQL: {exc}")
    request.addfinalizer(stop)
    return port, stop


def test_pg_server_stopped_mid_sampling(pg_server):
    """The whole server stops while dpscan waits on a lock: the catalog read before stays, every
    table left is recorded as not sampled, and the scan still finishes with a result."""
    _psycopg()
    from scanner.config import Config
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.registry import default_registry
    from scanner.ruleset import select_rules

    port, stop = pg_server
    with _pg_admin("postgres", port) as conn:
        for statement in PG_TABLES:
            conn.execute(statement)
        conn.execute("COMMENT ON COLUMN customer.note IS '身份证号码'")
    locker = _hold_pg_lock("postgres", "a_busy", port)
    monitor = _pg_admin("postgres", port)
    url = f"postgresql://postgres:{SECRET}@127.0.0.1:{port}/postgres"
    scan = _Background(url, LiveOptions(lock_timeout_ms=600_000, statement_timeout_ms=600_000))
    _wait_for(lambda: _pg_waiting_pid(monitor, "postgres") is not None, "dpscan to wait on a_busy")
    stop()  # pg_ctl stop -m immediate: every session ends
    snap = scan.join()
    for conn in (locker, monitor):
        conn.close()
    errors = dict(snap.errors)
    assert set(errors) == {"public.a_busy", "public.customer", "public.z_after"}, snap.errors
    assert errors["public.a_busy"].startswith("connection to the server lost while sampling")
    for table in ("public.customer", "public.z_after"):
        assert errors[table].startswith("not sampled: connection to the server lost"), errors[table]
        assert "not re-established (cannot connect to postgresql://postgres:****@127.0.0.1" in errors[table]
    # what was read before the server went away is kept and judged
    note = snap.schema.find_table("customer", "public").get_column("note")
    assert note.pii is not None and note.pii.category == "national_id"
    _no_secret(snap)
    config = Config()
    request = ScanRequest(targets=(snap.url,), root=".", config=config,
                          rules=tuple(select_rules(default_registry(), config)))
    data = run_live_scan(request, [snap]).to_dict()
    messages = [e["message"] for e in data["scan"]["errors"]]
    assert any(m.startswith("public.customer: not sampled: connection to the server lost") for m in messages)
    assert any(f["location"]["object"].endswith("#public.customer.note") for f in data["findings"])
    assert SECRET not in str(data)


@pg
@pytest.mark.parametrize("jobs", [1, 2])
def test_pg_lock_timeout_on_one_table(pg_db, jobs):
    from scanner.live.postgres import LOCKED

    locker = _hold_pg_lock(pg_db.db, "a_busy")
    try:
        snap = take_snapshot(pg_db.url(), LiveOptions(lock_timeout_ms=300, jobs=jobs))
    finally:
        locker.rollback()
        locker.close()
    assert snap.errors == [("public.a_busy", LOCKED)]
    assert "lock_timeout" in LOCKED and "timed out" in LOCKED
    assert _phones_found(snap)
    assert snap.schema.find_table("z_after", "public").get_column("memo").samples
    _no_secret(snap)


@pg
def test_pg_statement_timeout_on_one_table(pg_db):
    """statement_timeout shorter than lock_timeout: the waiting statement is cancelled by it."""
    from scanner.live.postgres import TIMED_OUT

    locker = _hold_pg_lock(pg_db.db, "a_busy")
    try:
        snap = take_snapshot(pg_db.url(), LiveOptions(lock_timeout_ms=600_000, statement_timeout_ms=400))
    finally:
        locker.rollback()
        locker.close()
    assert snap.errors == [("public.a_busy", TIMED_OUT)]
    assert "statement_timeout" in TIMED_OUT
    assert _phones_found(snap)
    _no_secret(snap)


@pg
def test_pg_role_without_select_on_some_tables(pg_db):
    from scanner.live.postgres import DENIED

    reader = pg_db.role("reader")
    with _pg_admin(pg_db.db) as conn:
        conn.execute(f"REVOKE ALL ON DATABASE {pg_db.db} FROM PUBLIC")
        conn.execute(f"GRANT CONNECT ON DATABASE {pg_db.db} TO {reader}")
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {reader}")
        conn.execute(f"GRANT SELECT ON customer TO {reader}")
    snap = take_snapshot(pg_db.url(reader), LiveOptions())
    errors = dict(snap.errors)
    assert errors["public.a_busy"] == DENIED and errors["public.z_after"] == DENIED
    assert DENIED.startswith("permission denied")
    assert "public.customer" not in errors and _phones_found(snap)
    # the catalog is still read in full
    assert set(snap.schema.tables) == {"public.a_busy", "public.customer", "public.z_after"}
    assert snap.schema.find_table("z_after", "public").get_column("memo") is not None
    _no_secret(snap)


# ---- dpscan never writes: every statement of its sessions, from the server's own log ----------

_RECORD = re.compile(r"^@@(?P<app>[^|]*)\|(?P<pid>\d+)@@ (?P<level>[A-Z]+):\s+(?P<text>.*)$")
_STATEMENT = re.compile(r"^(?:statement|execute [^:]*):\s*(?P<sql>.*)$", re.DOTALL)
_READ_VERBS = {"SELECT", "SET", "SHOW"}
_WRITE_WORDS = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|UPSERT|CREATE|ALTER|DROP|GRANT|REVOKE|TRUNCATE|COPY|LOCK|"
    r"VACUUM|ANALYZE|REINDEX|CLUSTER|REFRESH|COMMENT|SECURITY|CALL|DO|NOTIFY|INTO|nextval|setval|"
    r"pg_advisory_lock|lo_import|lo_unlink)\b", re.IGNORECASE)


def _statements(log: str) -> list[tuple[str, str, str]]:
    """(application, pid, statement) for every statement the server logged."""
    records: list[list[str]] = []
    for line in log.splitlines():
        match = _RECORD.match(line)
        if match:
            records.append([match["app"], match["pid"], match["level"], match["text"]])
        elif records and line.startswith(("\t", " ")):
            records[-1][3] += "\n" + line  # continuation of a multi-line statement
    found = []
    for app, pid, level, text in records:
        statement = _STATEMENT.match(text) if level == "LOG" else None
        if statement:
            found.append((app, pid, statement["sql"].strip()))
    return found


def _write_problems(statements: list[tuple[str, str, str]], app: str) -> list[str]:
    """Every statement of ``app`` that is not a plain read in a session made read-only first."""
    problems = []
    sessions: dict[str, list[str]] = {}
    for who, pid, sql in statements:
        if who == app:
            sessions.setdefault(pid, []).append(sql)
    for pid, sqls in sessions.items():
        if sqls[:2] != ["SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
                        "SET default_transaction_read_only = on"]:
            problems.append(f"{pid}: session not made read-only first: {sqls[:2]}")
        for sql in sqls:
            verb = sql.split(None, 1)[0].upper() if sql else ""
            if verb not in _READ_VERBS or (verb != "SET" and _WRITE_WORDS.search(sql)):
                problems.append(f"{pid}: {sql[:120]}")
            if verb == "SET" and re.search(r"read_only\s*=\s*(off|false)|ROLE|AUTHORIZATION", sql, re.IGNORECASE):
                problems.append(f"{pid}: {sql}")
    return problems


def test_pg_scan_only_reads_server_log_proves_it(pg_server):
    """A throwaway server logs every statement (log_statement = 'all') with the application name;
    dpscan runs through the CLI, in a subprocess, as a role with nothing but SELECT."""
    psycopg = _psycopg()
    port, _ = pg_server
    with _pg_admin("postgres", port) as conn:
        for statement in PG_TABLES:
            conn.execute(statement)
        conn.execute("CREATE ROLE reader LOGIN")
        conn.execute("GRANT SELECT ON a_busy, customer, z_after TO reader")
        log_path = Path(conn.execute("SHOW data_directory").fetchone()[0]).parent / "server.log"
    url = f"postgresql://reader:{SECRET}@127.0.0.1:{port}/postgres"
    run = subprocess.run([sys.executable, "-m", "scanner", "db", url, "--format", "json", "--jobs", "2"],
                         cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode in (0, 1), run.stderr
    assert SECRET not in run.stdout + run.stderr and "Traceback" not in run.stderr
    # A control: a write from another application must be seen by the same check.
    marker = f"dpscan_control_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True,
                         application_name="control") as conn:
        conn.execute(f"CREATE TABLE {marker} (id int)")
        conn.execute(f"INSERT INTO {marker} VALUES (1)")
    _wait_for(lambda: f"INSERT INTO {marker}" in log_path.read_text(errors="replace"), "the log")
    statements = _statements(log_path.read_text(errors="replace"))
    ours = [s for s in statements if s[0] == "dpscan"]
    assert len({pid for _, pid, _ in ours}) >= 2  # the catalog session and sampling sessions
    assert any(re.match(r'SELECT .* FROM "public"\."customer"', sql, re.DOTALL) for _, _, sql in ours)
    assert _write_problems(statements, "dpscan") == []
    assert _write_problems(statements, "control")  # the check does catch writes


# =================================================================================================
# MariaDB
# =================================================================================================

my = pytest.mark.skipif(not MY_UP, reason="no MariaDB server on 127.0.0.1:3306")


def _pymysql():
    return pytest.importorskip("pymysql")


def _my_root(port: int = 3306):
    return _pymysql().connect(host="127.0.0.1", port=port, user="root", password="", autocommit=True,
                              charset="utf8mb4")


def _letters() -> str:
    return "".join(chr(97 + int(c, 16)) for c in uuid.uuid4().hex[:10])


@pytest.fixture
def my_db(request):
    name = f"dpscan_f_{_letters()}"
    users: list[str] = []
    root = _my_root()
    cur = root.cursor()

    def close():
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        for who in users:
            cur.execute(f"DROP USER IF EXISTS {who}")
        root.close()

    request.addfinalizer(close)
    for sql in (f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4",
                f"CREATE TABLE `{name}`.a_busy (id INT PRIMARY KEY, contact VARCHAR(20)) ENGINE=InnoDB",
                f"INSERT INTO `{name}`.a_busy VALUES (1, 'x1'), (2, 'x2')",
                f"CREATE TABLE `{name}`.customer (id INT PRIMARY KEY, ref_value VARCHAR(20)) ENGINE=InnoDB",
                (f"INSERT INTO `{name}`.customer SELECT seq, CONCAT('139', LPAD((seq * 7919) % 100000000, 8, '0')) "
                 f"FROM `{name}`.seq_1_to_60")):
        cur.execute(sql)

    class Db:
        db = name

        @staticmethod
        def user(*grants: str) -> str:
            user = f"dps_{_letters()}"
            who = f"'{user}'@'%'"
            users.append(who)
            cur.execute(f"CREATE USER {who} IDENTIFIED BY '{SECRET}'")
            for grant in grants:
                cur.execute(grant.format(who=who, db=name))
            return user

        @staticmethod
        def url(user: str = "root", password: str = SECRET) -> str:
            return f"mysql://{user}:{password}@127.0.0.1:3306/{name}"

    return Db


def _my_phones(snap, db: str) -> bool:
    column = snap.schema.find_table("customer", db).get_column("ref_value")
    return bool(column.samples) and column.pii is not None and column.pii.category == "phone"


def _my_errors(snap) -> list[tuple[str, str]]:
    """The errors but the expected one of an account that may not read mysql.user."""
    assert ("mysql.user", "not readable: grant checks not assessed") in snap.errors
    return [e for e in snap.errors if e[0] != "mysql.user"]


def _my_waiting(monitor, user: str) -> int | None:
    cur = monitor.cursor()
    cur.execute("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = %s AND "
                "STATE LIKE 'Waiting for table metadata lock%%'", (user,))
    row = cur.fetchone()
    return row[0] if row else None


def _my_scan_user(my_db) -> str:
    """root's URL carries no password here: an account of our own, with SELECT only."""
    return my_db.user("GRANT SELECT ON `{db}`.* TO {who}")


@my
@pytest.mark.parametrize("options, expected", [
    # lock_wait_timeout gives up first: the table is reported locked.
    ({"lock_timeout_ms": 1000}, "LOCKED"),
    # max_statement_time gives up first, while the statement waits on the lock.
    ({"lock_timeout_ms": 600_000, "statement_timeout_ms": 500}, "TIMED_OUT"),
])
def test_mariadb_timeout_on_one_locked_table(my_db, options, expected):
    from scanner.live import mysql

    user = _my_scan_user(my_db)
    locker = _my_root()
    locker.cursor().execute(f"LOCK TABLES `{my_db.db}`.a_busy WRITE")
    try:
        snap = take_snapshot(my_db.url(user), LiveOptions(**options))
    finally:
        locker.cursor().execute("UNLOCK TABLES")
        locker.close()
    assert _my_errors(snap) == [(f"{my_db.db}.a_busy", getattr(mysql, expected))]
    assert _my_phones(snap, my_db.db)
    _no_secret(snap)


@my
def test_mariadb_user_without_select_on_a_table(my_db):
    from scanner.live.mysql import DENIED

    # REFERENCES makes the table visible in information_schema without letting it be read.
    user = my_db.user("GRANT SELECT ON `{db}`.customer TO {who}", "GRANT REFERENCES ON `{db}`.a_busy TO {who}")
    snap = take_snapshot(my_db.url(user), LiveOptions())
    errors = dict(snap.errors)
    assert errors[f"{my_db.db}.a_busy"] == DENIED, snap.errors
    assert snap.schema.find_table("a_busy", my_db.db).get_column("contact") is not None
    assert f"{my_db.db}.customer" not in errors and _my_phones(snap, my_db.db)
    _no_secret(snap)


@my
def test_mariadb_connection_killed_mid_sampling(my_db):
    user = _my_scan_user(my_db)
    locker = _my_root()
    locker.cursor().execute(f"LOCK TABLES `{my_db.db}`.a_busy WRITE")
    monitor = _my_root()
    try:
        scan = _Background(my_db.url(user), LiveOptions(lock_timeout_ms=600_000, statement_timeout_ms=600_000))
        _wait_for(lambda: _my_waiting(monitor, user) is not None, "dpscan to wait on a_busy")
        monitor.cursor().execute(f"KILL CONNECTION {int(_my_waiting(monitor, user))}")
        snap = scan.join()
    finally:
        locker.cursor().execute("UNLOCK TABLES")
        locker.close()
        monitor.close()
    errors = dict(_my_errors(snap))
    assert list(errors) == [f"{my_db.db}.a_busy"], snap.errors
    assert errors[f"{my_db.db}.a_busy"].startswith("connection to the server lost (")
    assert _my_phones(snap, my_db.db)  # sampled on the new session
    _no_secret(snap)


def test_mariadb_scan_only_reads_general_log_proves_it(tmp_path):
    """A throwaway MariaDB logs every statement (general log); dpscan runs through the CLI as an
    account with SELECT only. Its sessions are read-only and run nothing but reads."""
    _pymysql()
    try:
        port, stop = start_mariadb(tmp_path, ["skip-log-bin", "general_log = ON",
                                              "log_output = TABLE"])
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot start a throwaway MariaDB: {exc}")
    try:
        root = _my_root(port)
        cur = root.cursor()
        for sql in ("CREATE DATABASE shop", "CREATE TABLE shop.customer (id INT PRIMARY KEY, ref VARCHAR(20))",
                    "INSERT INTO shop.customer VALUES (1, '13912345678')",
                    f"CREATE USER 'reader'@'%' IDENTIFIED BY '{SECRET}'",
                    "GRANT SELECT ON shop.* TO 'reader'@'%'"):
            cur.execute(sql)
        url = f"mysql://reader:{SECRET}@127.0.0.1:{port}/shop"
        run = subprocess.run([sys.executable, "-m", "scanner", "db", url, "--format", "json"],
                             cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode in (0, 1), run.stderr
        assert SECRET not in run.stdout + run.stderr and "Traceback" not in run.stderr
        cur.execute("SELECT thread_id, command_type, CONVERT(argument USING utf8mb4) FROM mysql.general_log "
                    "ORDER BY event_time, thread_id")
        rows = cur.fetchall()
        root.close()
    finally:
        stop()
    threads = {tid for tid, kind, arg in rows if kind == "Connect" and arg.startswith("reader@")}
    assert threads
    ours = [(tid, arg) for tid, kind, arg in rows if tid in threads and kind == "Query"]
    assert any(re.match(r"SELECT .* FROM `shop`\.`customer`", a) for _, a in ours)
    problems = []
    for tid in threads:
        sqls = [a for t, a in ours if t == tid]
        if "SET SESSION TRANSACTION READ ONLY" not in sqls:
            problems.append(f"{tid}: no SET SESSION TRANSACTION READ ONLY")
        for sql in sqls:
            verb = sql.split(None, 1)[0].upper()
            if sql.upper() in ("START TRANSACTION READ ONLY", "ROLLBACK", "SET SESSION TRANSACTION READ ONLY"):
                continue
            if verb not in ("SELECT", "SET", "SHOW") or (verb != "SET" and _WRITE_WORDS.search(sql)):
                problems.append(f"{tid}: {sql[:120]}")
            elif verb == "SET" and not re.match(r"SET (NAMES \w+$|SESSION (lock_wait_timeout|innodb_lock_wait_"
                                                r"timeout|max_statement_time|max_execution_time) = [\d.e]+$)",
                                                sql, re.IGNORECASE):
                problems.append(f"{tid}: {sql}")
        starts = [i for i, s in enumerate(sqls) if s.upper().startswith("START TRANSACTION")]
        assert all(sqls[i].upper() == "START TRANSACTION READ ONLY" for i in starts)
    assert problems == []
