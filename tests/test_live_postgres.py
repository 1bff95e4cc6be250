"""The PostgreSQL live front end against real servers: the shared one on 127.0.0.1:5432 (each test
in its own database and roles, dropped afterwards) and throwaway clusters for server settings."""

from __future__ import annotations

import uuid

import pytest

from tests.live_servers import free_port, port_open, start_postgres

pytestmark = pytest.mark.skipif(not port_open("127.0.0.1", 5432),
                                reason="no PostgreSQL server on 127.0.0.1:5432")
psycopg = pytest.importorskip("psycopg")

from scanner.live import LiveError, LiveOptions, take_snapshot
from scanner.live.postgres import LOCKED, connect

ADMIN = "postgresql://postgres@127.0.0.1:5432/{db}"


def _admin(db: str = "postgres"):
    return psycopg.connect(ADMIN.format(db=db), autocommit=True)


def cn_id(n: int) -> str:
    body = f"110101{19800101 + n % 28:08d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


class Sandbox:
    """A database and roles with unique names, dropped by close()."""

    def __init__(self) -> None:
        self.suffix = uuid.uuid4().hex[:8]
        self.db = f"dpscan_{self.suffix}"
        self.roles: list[str] = []
        with _admin() as conn:
            conn.execute(f"CREATE DATABASE {self.db}")
        self.conn = _admin(self.db)

    def role(self, stem: str, options: str = "") -> str:
        name = f"{stem}_{self.suffix}"
        _admin().execute(f"CREATE ROLE {name} {options}").connection.close()
        self.roles.append(name)
        return name

    def run(self, *statements: str, params=None) -> None:
        for statement in statements:
            self.conn.execute(statement, params)

    @property
    def url(self) -> str:
        return ADMIN.format(db=self.db)

    def close(self) -> None:
        self.conn.close()
        with _admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
            for role in reversed(self.roles):
                conn.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def sandbox(request):
    box = Sandbox()
    request.addfinalizer(box.close)
    return box


@pytest.fixture
def shop(sandbox):
    """customer: PII in id_card_no (by comment and values) and ref_value (phones, by values)."""
    box = sandbox
    box.run("CREATE TABLE customer (id serial PRIMARY KEY, name varchar(40) NOT NULL, "
            "id_card_no varchar(18), ref_value varchar(20), note text DEFAULT 'n/a')",
            "COMMENT ON TABLE customer IS '客户信息'",
            "COMMENT ON COLUMN customer.id_card_no IS '身份证号码'",
            "ALTER TABLE customer ENABLE ROW LEVEL SECURITY",
            "GRANT SELECT ON customer TO PUBLIC")
    with box.conn.cursor() as cur:
        cur.executemany("INSERT INTO customer (name, id_card_no, ref_value) VALUES (%s, %s, %s)",
                        [(f"user{n}", cn_id(n), f"13{(n * 7919) % 10**9:09d}") for n in range(60)])
    return box


def _snap(url: str, **kw):
    return take_snapshot(url, LiveOptions(**kw))


def test_catalog_facts(shop):
    available = shop.conn.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto'").fetchone()
    if available:
        shop.run("CREATE EXTENSION pgcrypto")
    shop.run("CREATE VIEW customer_names AS SELECT name FROM customer")
    snap = _snap(shop.url, sample=False)
    table = snap.schema.find_table("customer", "public")
    assert table.schema == "public" and table.comment == "客户信息" and table.row_level_security
    card = table.get_column("id_card_no")
    assert card.data_type == "character varying(18)" and card.comment == "身份证号码"
    assert card.location.object == "public.customer.id_card_no" and card.location.path is None
    assert table.get_column("id").primary_key and table.get_column("name").nullable is False
    assert table.get_column("note").default == "'n/a'::text"
    assert snap.schema.find_table("customer_names", "public").kind == "view"
    assert "plpgsql" in snap.schema.extensions
    if available:
        assert "pgcrypto" in snap.schema.extensions
    assert all(not c.samples for _, c in snap.schema.columns())


def test_filters(shop):
    shop.run("CREATE SCHEMA audit", "CREATE TABLE audit.log (id int)", "CREATE TABLE tmp_x (a int)")
    names = set(_snap(shop.url, sample=False).schema.tables)
    assert {"public.customer", "audit.log", "public.tmp_x"} <= names
    names = set(_snap(shop.url, sample=False, exclude_schemas=("audit",),
                      exclude_tables=("tmp_*",)).schema.tables)
    assert "public.customer" in names and "audit.log" not in names and "public.tmp_x" not in names
    assert set(_snap(shop.url, sample=False, tables=("audit.*",)).schema.tables) == {"audit.log"}


def test_grants_roles_and_membership(shop):
    app = shop.role("app", "LOGIN PASSWORD 'pw' VALID UNTIL 'infinity'")
    readers = shop.role("readers")
    admin = shop.role("boss", "SUPERUSER BYPASSRLS CREATEROLE")
    shop.run(f"GRANT {readers} TO {app}", f"GRANT ALL ON customer TO {admin}",
             f"GRANT SELECT, INSERT ON customer TO {app} WITH GRANT OPTION",
             "GRANT CREATE ON SCHEMA public TO PUBLIC",
             f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {readers}")
    model = _snap(shop.url, sample=False).schema
    grants = {(g.object_type, g.object_name, g.grantee): g for g in model.grants}
    assert grants[("table", "public.customer", "PUBLIC")].privileges == ("SELECT",)
    assert grants[("table", "public.customer", admin)].privileges == ("ALL",)
    mine = grants[("table", "public.customer", app)]
    assert mine.privileges == ("INSERT", "SELECT") and mine.with_grant_option
    assert grants[("role", readers, app)].privileges == ("MEMBER",)
    assert "CREATE" in grants[("schema", "public", "PUBLIC")].privileges
    assert grants[("default_table", "public.*", readers)].privileges == ("SELECT",)
    assert {"LOGIN", "PASSWORD", "PASSWORD_SCRAM", "VALID_UNTIL_INFINITY"} <= model.roles[app].attributes
    assert {"SUPERUSER", "BYPASSRLS", "CREATEROLE"} <= model.roles[admin].attributes
    assert "LOGIN" not in model.roles[readers].attributes


def test_sampling_is_bounded(sandbox):
    sandbox.run("CREATE TABLE big AS SELECT g AS id, 'v' || g AS code, md5(g::text) AS h "
                "FROM generate_series(1, 10000) g", "ANALYZE big")
    table = _snap(sandbox.url, max_samples=20).schema.find_table("big", "public")
    for name in ("code", "h"):
        samples = table.get_column(name).samples
        assert 0 < len(samples) <= 20 and len(set(samples)) == len(samples)
    assert table.get_column("id").samples == []  # not a text-like column


def test_phone_by_values(shop):
    column = _snap(shop.url).schema.find_table("customer", "public").get_column("ref_value")
    assert column.pii is not None and column.pii.category == "phone"
    assert column.pii.source == "values"
    assert column.pii.sample and column.pii.sample not in {c for c in column.samples}


def test_run_live_scan_end_to_end(shop):
    from scanner.config import Config
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.registry import default_registry
    from scanner.ruleset import select_rules

    config = Config()
    request = ScanRequest(targets=(shop.url,), root=".", config=config,
                          rules=tuple(select_rules(default_registry(), config)))
    data = run_live_scan(request, [_snap(shop.url)]).to_dict()
    where = f"postgresql://127.0.0.1:5432/{shop.db}#"
    found = {(f["rule_id"], f["location"].get("object")) for f in data["findings"]}
    assert ("DP101", where + "public.customer.id_card_no") in found
    assert ("DP401", where + "grant:public.customer->PUBLIC") in found
    assert all("path" not in f["location"] for f in data["findings"])
    text = str(data)
    assert cn_id(0) not in text and f"13{0:09d}" not in text  # no full personal value leaks


def test_session_is_read_only(shop):
    conn = connect(shop.url, LiveOptions(statement_timeout_ms=1234, lock_timeout_ms=567))
    try:
        assert conn.execute("SHOW transaction_read_only").fetchone()[0] == "on"
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "1234ms"
        assert conn.execute("SHOW lock_timeout").fetchone()[0] == "567ms"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("INSERT INTO customer (name) VALUES ('x')")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("BEGIN; INSERT INTO customer (name) VALUES ('x'); COMMIT")
    finally:
        conn.close()
    assert shop.conn.execute("SELECT count(*) FROM customer WHERE name = 'x'").fetchone()[0] == 0


def test_unreachable_port_is_a_live_error():
    port = free_port()
    with pytest.raises(LiveError) as err:
        _snap(f"postgresql://postgres:s3cret@127.0.0.1:{port}/nope")
    assert "127.0.0.1" in str(err.value) and "s3cret" not in str(err.value)


def test_unknown_database_is_a_live_error():
    with pytest.raises(LiveError, match="does not exist"):
        _snap(f"postgresql://postgres@127.0.0.1:5432/missing_{uuid.uuid4().hex[:8]}")


def test_least_privilege_role(shop):
    low = shop.role("low", "LOGIN")
    shop.run("CREATE TABLE secret (id int, email text)", "INSERT INTO secret VALUES (1, 'a@b.cn')")
    snap = _snap(f"postgresql://{low}@127.0.0.1:5432/{shop.db}")
    errors = dict(snap.errors)
    assert "public.secret" in errors and "public.customer" not in errors
    assert errors["pg_hba_file_rules"].startswith("not readable")
    assert snap.access_rules is None and snap.schema.find_table("secret", "public") is not None
    assert any("pg_authid" in note for note in snap.notes)


def test_lock_timeout_is_recorded_and_scan_goes_on(shop):
    shop.run("CREATE TABLE busy (v text)", "INSERT INTO busy VALUES ('x')")
    locker = _admin(shop.db)
    locker.autocommit = False
    try:
        locker.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        snap = _snap(shop.url, lock_timeout_ms=200, jobs=2)
    finally:
        locker.rollback()
        locker.close()
    assert ("public.busy", LOCKED) in snap.errors
    assert snap.schema.find_table("customer", "public").get_column("ref_value").samples


@pytest.fixture
def weak_server(tmp_path, request):
    try:
        port, stop = start_postgres(tmp_path, ["ssl = off", "log_statement = none",
                                               "archive_mode = off"],
                                    ["host all all 0.0.0.0/0 trust"])
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"cannot start a throwaway PostgreSQL: {exc}")
    request.addfinalizer(stop)
    return port


def test_server_settings_and_hba_fire_rules(weak_server):
    from scanner.config import Config
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.registry import default_registry
    from scanner.ruleset import select_rules

    url = f"postgresql://postgres@127.0.0.1:{weak_server}/postgres"
    snap = _snap(url, sample=False)
    settings = {d.key: d.args for d in snap.settings.directives}
    assert settings["ssl"] == ("off",) and settings["archive_mode"] == ("off",)
    assert settings["archive_command"] == ("",)
    hba = [r for r in snap.access_rules.directives if r.name == "host"]
    assert hba[0].args[:4] == ("all", "all", "0.0.0.0/0", "trust")
    assert "the scan's own connection is not encrypted" in snap.notes
    config = Config()
    request = ScanRequest(targets=(url,), root=".", config=config,
                          rules=tuple(select_rules(default_registry(), config)))
    fired = {f["rule_id"] for f in run_live_scan(request, [snap]).to_dict()["findings"]}
    # DP240 (ssl off) needs a non-loopback listen_addresses: this server listens on 127.0.0.1.
    assert {"DP420", "DP501", "DP601"} <= fired, fired
    assert "DP240" not in fired
