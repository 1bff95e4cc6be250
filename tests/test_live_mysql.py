"""MySQL/MariaDB live front end against a real MariaDB on 127.0.0.1:3306 (root, empty password).

Each test creates its own database and accounts with a unique suffix and drops them afterwards.
The settings test starts a throwaway MariaDB (tests/live_servers.py) with chosen options.
"""

from __future__ import annotations

import subprocess
import uuid

import pytest

from tests.live_servers import port_open

pytestmark = pytest.mark.skipif(not port_open("127.0.0.1", 3306),
                                reason="no MySQL/MariaDB server on 127.0.0.1:3306 (root, empty password)")

pymysql = pytest.importorskip("pymysql")

from scanner.live import LiveError, LiveOptions
from scanner.live.mysql import connect, prepare_session, snapshot

HOST, PORT = "127.0.0.1", 3306


def _suffix() -> str:
    """A unique suffix of letters a-p only: mask_url stars long digit runs, even in a database name."""
    return "".join(chr(97 + int(c, 16)) for c in uuid.uuid4().hex[:10])


def _root(port: int = PORT):
    return pymysql.connect(host=HOST, port=port, user="root", password="", autocommit=True,
                           charset="utf8mb4")


def _run(sql_list, port: int = PORT) -> None:
    conn = _root(port)
    try:
        with conn.cursor() as cur:
            for sql in sql_list:
                cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def db(request):
    """A fresh database with a customer table (Chinese comments), a table of 10,000 rows and a
    column of mobile numbers under a neutral name."""
    name = f"dpscan_{_suffix()}"
    request.addfinalizer(lambda: _run([f"DROP DATABASE IF EXISTS `{name}`"]))
    _run([
        f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4",
        (f"CREATE TABLE `{name}`.customer (id INT PRIMARY KEY AUTO_INCREMENT, "
         "full_name VARCHAR(50) COMMENT '姓名', id_card_no VARCHAR(18) NOT NULL COMMENT '身份证号码', "
         "note_a VARCHAR(20), created DATETIME DEFAULT CURRENT_TIMESTAMP) COMMENT '客户表'"),
        (f"INSERT INTO `{name}`.customer (full_name, id_card_no, note_a) SELECT "
         "CONCAT('客户', seq), CONCAT('11010519491231', LPAD(seq, 4, '0')), "
         f"CONCAT('138', LPAD(seq * 7919, 8, '0')) FROM `{name}`.seq_1_to_300"),
        f"CREATE TABLE `{name}`.big (id INT PRIMARY KEY, label VARCHAR(32))",
        f"INSERT INTO `{name}`.big SELECT seq, CONCAT('label-', seq) FROM `{name}`.seq_1_to_10000",
        f"CREATE VIEW `{name}`.v_customer AS SELECT id, full_name FROM `{name}`.customer",
    ])
    return name


@pytest.fixture
def account(request):
    """make(user, host, password, grants...) creates an account dropped after the test."""
    made: list[str] = []
    request.addfinalizer(lambda: _run([f"DROP USER IF EXISTS {a}" for a in made]))

    def make(host: str, password: str, *grants: str) -> tuple[str, str]:
        user = f"dps_{_suffix()}"
        who = f"'{user}'@'{host}'"
        made.append(who)
        _run([f"CREATE USER {who} IDENTIFIED BY '{password}'",
              *(g.format(who=who) for g in grants)])
        return user, who
    return make


def _url(db: str, user: str = "root", password: str = "", port: int = PORT) -> str:
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"mysql://{auth}{HOST}:{port}/{db}"


def test_catalog_facts(db):
    snap = snapshot(_url(db), LiveOptions(sample=False))
    customer = snap.schema.find_table("customer", db)
    assert customer is not None and customer.schema == db and customer.comment == "客户表"
    card = customer.get_column("id_card_no")
    assert card.data_type == "varchar(18)" and card.comment == "身份证号码"
    assert card.nullable is False and card.location.object == f"{db}.customer.id_card_no"
    assert card.location.path is None and card.samples == []
    assert customer.get_column("id").primary_key and not card.primary_key
    assert customer.get_column("id").data_type.startswith("int")
    assert snap.schema.find_table("v_customer", db).kind == "view"
    assert card.pii is not None and card.pii.category == "national_id"  # classified by comment/name
    assert snap.engine == "mysql" and snap.url == _url(db)


def test_table_globs(db):
    snap = snapshot(_url(db), LiveOptions(sample=False, exclude_tables=("big", "v_*")))
    assert sorted(t.name for t in snap.schema.tables.values()) == ["customer"]


def test_users_and_grants(db, account):
    _, admin_who = account("%", "pw-1", "GRANT ALL PRIVILEGES ON *.* TO {who} WITH GRANT OPTION")
    _, ops_who = account("%", "pw-2", "GRANT SUPER, FILE ON *.* TO {who}",
                           f"GRANT SELECT ON `{db}`.* TO {{who}}",
                           f"GRANT SELECT, UPDATE ON `{db}`.customer TO {{who}}")
    snap = snapshot(_url(db), LiveOptions(sample=False))
    roles = snap.schema.roles
    assert roles[admin_who].host == "%" and "LOGIN" in roles[admin_who].attributes
    assert not any("*" in a and len(a) > 20 for a in roles[admin_who].attributes)  # no hash kept
    assert "PASSWORD_MYSQL_HASH" in roles[admin_who].attributes
    system = roles.get("'mariadb.sys'@'localhost'")
    assert system is None or "LOGIN" not in system.attributes  # locked: cannot log in
    grants = {(g.grantee, g.object_type, g.object_name): g for g in snap.schema.grants}
    everything = grants[(admin_who, "global", "*.*")]
    assert everything.privileges == ("ALL",) and everything.with_grant_option
    assert everything.location.path is None
    assert {"SUPER", "FILE"} <= set(grants[(ops_who, "global", "*.*")].privileges)
    assert grants[(ops_who, "database", f"{db}.*")].privileges == ("SELECT",)
    assert set(grants[(ops_who, "table", f"{db}.customer")].privileges) == {"SELECT", "UPDATE"}


def test_sampling_bounded_and_phone_by_values(db):
    snap = snapshot(_url(db), LiveOptions(max_samples=40))
    big = snap.schema.find_table("big", db)
    assert 0 < len(big.get_column("label").samples) <= 40
    assert big.get_column("id").samples == []  # INT is not sampled
    note = snap.schema.find_table("customer", db).get_column("note_a")
    assert len(note.samples) == len(set(note.samples)) <= 40
    assert note.pii is not None and note.pii.category == "phone" and note.pii.source == "values"
    assert not snap.errors


def test_end_to_end_run_live_scan(db, account):
    from scanner.config import Config
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.registry import default_registry

    account("%", "pw-3", "GRANT ALL PRIVILEGES ON *.* TO {who}")
    url = _url(db)
    snap = snapshot(url, LiveOptions())
    rules = tuple(r() for r in default_registry().all())
    request = ScanRequest(targets=(url,), root=".", config=Config(), rules=rules,
                          inline_ignores=False, jobs=1)
    result = run_live_scan(request, [snap])
    where = f"mysql://{HOST}:{PORT}/{db}"
    found = {(f.rule_id, f.location.object) for f in result.findings}
    assert ("DP101", f"{where}#{db}.customer.id_card_no") in found
    ids = {rule for rule, _ in found}
    assert {"DP406", "DP407"} <= ids, sorted(ids)
    assert all(f.location.path is None for f in result.findings)
    text = repr(result.findings) + repr(result.inventory)
    assert "110105194912310001" not in text and "138" + "00079190" not in text  # values masked


def test_session_is_read_only(db):
    conn = connect(_url(db), LiveOptions())
    try:
        prepare_session(conn, LiveOptions(statement_timeout_ms=5000))
        with conn.cursor() as cur:
            with pytest.raises(pymysql.MySQLError) as caught:
                cur.execute("INSERT INTO big VALUES (20000, 'written')")
            assert caught.value.args[0] == 1792  # ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
            cur.execute("SELECT @@SESSION.max_statement_time, @@SESSION.lock_wait_timeout")
            assert cur.fetchone() == (5.0, 1)
    finally:
        conn.close()
    conn = _root()  # the row was not written
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM `{db}`.big WHERE id = 20000")
        assert cur.fetchone() == (0,)
    conn.close()


def test_unreachable_port_raises_live_error():
    from tests.live_servers import free_port

    with pytest.raises(LiveError) as caught:
        snapshot(f"mysql://root:s3cret-pw@127.0.0.1:{free_port()}/test", LiveOptions())
    assert "s3cret-pw" not in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_bad_password_raises_live_error(db):
    with pytest.raises(LiveError, match="Access denied"):
        snapshot(_url(db, "nobody_dpscan", "wrong-pw"), LiveOptions())


def test_least_privilege_user(db, account):
    user, _ = account("127.0.0.1", "lp-pw", f"GRANT SELECT ON `{db}`.big TO {{who}}")
    snap = snapshot(_url(db, user, "lp-pw"), LiveOptions(max_samples=5))
    assert sorted(t.name for t in snap.schema.tables.values()) == ["big"]
    assert ("mysql.user", "not readable: grant checks not assessed") in snap.errors
    assert any(g.object_name == f"{db}.big" for g in snap.schema.grants)  # its own grants
    assert len(snap.schema.find_table("big", db).get_column("label").samples) == 5


def test_throwaway_server_settings_fire_rules(tmp_path):
    """A MariaDB started with the binary log off, no audit plugin and general_log OFF: the
    snapshot's settings document makes the my.cnf rules fire on the running server."""
    from scanner.config import Config
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.registry import default_registry
    from tests.live_servers import start_mariadb

    try:
        port, stop = start_mariadb(tmp_path, ["skip-log-bin", "general_log = OFF"])
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:  # no usable mariadbd here
        pytest.skip(f"throwaway MariaDB could not start: {exc}")
    try:
        url = f"mariadb://root@{HOST}:{port}"
        snap = snapshot(url, LiveOptions(sample=False))
        options = {d.name: d.value for d in snap.settings.walk()}
        assert "skip-log-bin" in options and options["general_log"] == "OFF"
        assert options["bind-address"] == "127.0.0.1"
        rules = tuple(r() for r in default_registry().all())
        request = ScanRequest(targets=(url,), root=".", config=Config(), rules=rules,
                              inline_ignores=False, jobs=1)
        ids = {f.rule_id for f in run_live_scan(request, [snap]).findings}
        assert {"DP603", "DP502"} <= ids, sorted(ids)
        assert "DP242" not in ids  # bound to loopback only: nothing to require TLS against
    finally:
        stop()
