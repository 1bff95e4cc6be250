"""`dpscan db URL`: live databases through the CLI, on the bundled SQLite staging database.

SQLite needs no server, so every CLI behaviour of `db` (formats, exit codes, rule selection,
sampling, baselines, the nightly diff, masking of URLs) is checked here; the PostgreSQL and
MariaDB front ends are compared with dumps in test_live_equivalence.py.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sqlite3

import pytest

from scanner.live import LiveOptions, database_identity, take_snapshot

from .conftest import FIXTURES, REPO, run_cli

STAGING = FIXTURES / "demo" / "staging.db"

STAGING_EXPECTED = {
    ("DP101", "customer.full_name"), ("DP101", "customer.id_card_no"), ("DP101", "customer.mobile"),
    ("DP101", "customer.email"), ("DP101", "customer.bank_card"), ("DP102", "customer.password_md5"),
    ("DP101", "shop_order.contact_ref"),
}


@pytest.fixture
def staging(tmp_path):
    """A private copy of the staging database and its absolute sqlite:////... URL."""
    path = tmp_path / "staging.db"
    shutil.copy(STAGING, path)
    return path, f"sqlite:///{path}"


def _found(data: dict, url: str) -> set[tuple[str, str]]:
    prefix = database_identity(url) + "#"
    found = set()
    for f in data["findings"]:
        obj = f["location"]["object"]
        assert obj.startswith(prefix), obj
        found.add((f["rule_id"], obj[len(prefix):]))
    return found


def test_json_result_of_the_staging_database(staging, validate_result):
    path, url = staging
    run = run_cli("db", url, "--format", "json")
    assert run.exit_code == 1
    data = validate_result(run.json())
    assert _found(data, url) == STAGING_EXPECTED
    assert f"sqlite:///{path}#customer.id_card_no" in {f["location"]["object"] for f in data["findings"]}
    assert all("path" not in f["location"] and "line" not in f["location"] for f in data["findings"])
    assert data["scan"]["targets"] == [url]
    assert [(i["path"], i["kind"]) for i in data["scan"]["inputs"]] == [(url, "sqlite-live")]
    # products (SKUs, 13-digit barcodes, prices) are hard negatives
    assert not any("product." in f["location"]["object"] for f in data["findings"])


def test_relative_url_works_from_the_repository_with_no_server():
    run = run_cli("db", "sqlite:///fixtures/demo/staging.db", "--format", "json", cwd=REPO)
    assert run.exit_code == 1
    objects = {f["location"]["object"] for f in run.json()["findings"]}
    assert "sqlite:///fixtures/demo/staging.db#customer.id_card_no" in objects


def test_text_report_and_fail_on(staging):
    _, url = staging
    run = run_cli("db", url)
    assert run.exit_code == 1 and "customer.id_card_no" in run.stdout and url in run.stdout
    assert run_cli("db", url, "--fail-on", "critical", "-q").exit_code == 0


def test_no_sample_changes_value_based_classification(staging):
    _, url = staging
    sampled = _found(run_cli("db", url, "--format", "json").json(), url)
    unsampled_run = run_cli("db", url, "--format", "json", "--no-sample")
    unsampled = _found(unsampled_run.json(), url)
    # contact_ref is found only by its values; the named columns stay
    assert ("DP101", "shop_order.contact_ref") in sampled
    assert unsampled == sampled - {("DP101", "shop_order.contact_ref")}
    assert any("--no-sample" in w["message"] for w in unsampled_run.json()["scan"]["warnings"])
    # --max-samples 0 reads no rows either
    assert _found(run_cli("db", url, "--format", "json", "--max-samples", "0").json(), url) == unsampled


def test_select_and_table_filters(staging):
    _, url = staging
    assert _found(run_cli("db", url, "--format", "json", "--select", "DP102").json(), url) == {
        ("DP102", "customer.password_md5")}
    only_orders = _found(run_cli("db", url, "--format", "json", "--table", "shop_*").json(), url)
    assert only_orders == {("DP101", "shop_order.contact_ref")}
    no_customer = _found(run_cli("db", url, "--format", "json", "--exclude-table", "main.customer").json(), url)
    assert no_customer == {("DP101", "shop_order.contact_ref")}
    run = run_cli("db", url, "--format", "json", "--exclude-schema", "main")
    assert run.exit_code == 0 and run.json()["findings"] == []


def test_baseline_of_last_night_marks_everything_unchanged(staging, tmp_path):
    _, url = staging
    assert run_cli("db", url, "--json", str(tmp_path / "night1.json"), "-q").exit_code == 1
    run = run_cli("db", url, "--format", "json", "--baseline", str(tmp_path / "night1.json"))
    assert run.exit_code == 0
    findings = run.json()["findings"]
    assert findings and {f["baseline"] for f in findings} == {"unchanged"}
    # a baseline file written by --write-baseline works the same way
    run_cli("db", url, "-q", "--write-baseline", str(tmp_path / "b.json"))
    assert run_cli("db", url, "-q", "--baseline", str(tmp_path / "b.json")).exit_code == 0


def test_nightly_diff_shows_a_new_column(staging, tmp_path):
    path, url = staging
    run_cli("db", url, "-q", "--json", str(tmp_path / "night1.json"))
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE customer ADD COLUMN passport_no TEXT")
        conn.execute("UPDATE customer SET passport_no = 'E' || substr(id_card_no, 8, 8)")
    conn.close()
    tonight = run_cli("db", url, "--format", "json", "--baseline", str(tmp_path / "night1.json"))
    assert tonight.exit_code == 1
    new = [f for f in tonight.json()["findings"] if f["baseline"] == "new"]
    assert [f["location"]["object"] for f in new] == [f"{url}#customer.passport_no"]
    run_cli("db", url, "-q", "--json", str(tmp_path / "night2.json"))
    diff = run_cli("diff", str(tmp_path / "night1.json"), str(tmp_path / "night2.json"), "--format", "json")
    assert diff.exit_code == 1
    changes = json.loads(diff.stdout)
    assert [f["location"]["object"] for f in changes["new"]] == [f"{url}#customer.passport_no"]
    assert changes["fixed"] == [] and len(changes["unchanged"]) == len(STAGING_EXPECTED)
    text = run_cli("diff", str(tmp_path / "night1.json"), str(tmp_path / "night2.json")).stdout
    assert "customer.passport_no" in text and "1 new, 0 fixed" in text


def test_missing_file_is_exit_2(tmp_path):
    run = run_cli("db", f"sqlite:///{tmp_path}/absent.db")
    assert run.exit_code == 2
    assert run.stderr.startswith("dpscan: error: ") and "absent.db" in run.stderr and "does not exist" in run.stderr
    assert not (tmp_path / "absent.db").exists()  # never created


def test_unknown_scheme_is_exit_2():
    run = run_cli("db", "oracle://scott:tiger@db.example.com/orcl")
    assert run.exit_code == 2 and "unsupported database URL scheme 'oracle'" in run.stderr
    assert "tiger" not in run.stderr + run.stdout


def test_unreachable_server_is_exit_2_and_the_password_never_shows(tmp_path):
    url = "postgresql://u:secret@127.0.0.1:1/x"
    run = run_cli("db", url, "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"),
                  cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.startswith("dpscan: error: ") and "u:****@127.0.0.1:1/x" in run.stderr
    assert "secret" not in run.stdout + run.stderr
    for produced in tmp_path.iterdir():
        assert "secret" not in produced.read_text(errors="replace")


def test_password_env_must_exist(staging, monkeypatch):
    _, url = staging
    monkeypatch.delenv("DPSCAN_TEST_NO_SUCH_VAR", raising=False)
    run = run_cli("db", url, "--password-env", "DPSCAN_TEST_NO_SUCH_VAR")
    assert run.exit_code == 2 and "DPSCAN_TEST_NO_SUCH_VAR" in run.stderr


def test_database_is_not_written(staging):
    path, url = staging
    before = path.read_bytes()
    run_cli("db", url, "-q")
    assert path.read_bytes() == before
    assert not any(p.name.startswith("staging.db-") for p in path.parent.iterdir())


def test_db_help_reads_like_scan_help():
    run = run_cli("db", "--help")
    assert run.exit_code == 0 and "Usage:" in run.stdout
    for option in ("--format", "--output", "--json", "--sarif", "--html", "--fail-on", "--config", "--select",
                   "--ignore", "--lang", "--baseline", "--write-baseline", "--quiet", "--inventory", "--jobs",
                   "--schema", "--exclude-schema", "--table", "--exclude-table", "--no-sample", "--max-samples",
                   "--password-env", "--statement-timeout", "--lock-timeout"):
        assert option in run.stdout, option
    assert "sqlite:///fixtures/demo/staging.db" in run.stdout
    assert run_cli("db").exit_code == 2  # a URL is required


def test_live_and_file_front_ends_agree_on_sqlite(tmp_path):
    """The same .db file found in a tree and named by a URL gives the same findings."""
    shutil.copy(STAGING, tmp_path / "staging.db")
    scanned = run_cli("scan", ".", "--format", "json", cwd=tmp_path).json()
    from_tree = {(f["rule_id"], f["location"]["object"]) for f in scanned["findings"]}
    assert from_tree == STAGING_EXPECTED


def test_snapshot_api_and_read_only_samples(staging):
    _, url = staging
    snap = take_snapshot(url, LiveOptions(max_samples=3))
    assert snap.engine == "sqlite" and snap.url == url and snap.schema.source == "live"
    assert len(snap.schema.find_table("customer").get_column("mobile").samples) == 3
    unsampled = take_snapshot(url, LiveOptions(sample=False))
    assert all(not c.samples for _, c in unsampled.schema.columns())


def test_staging_database_is_rebuilt_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("make_demo_sqlite", REPO / "scripts" / "make_demo_sqlite.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build_staging(tmp_path / "staging.db")
    assert (tmp_path / "staging.db").read_bytes() == STAGING.read_bytes()


def test_an_unreadable_part_of_a_database_makes_its_clauses_partial(tmp_path):
    from scanner.config import Config
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.live import LiveOptions, take_snapshot
    from scanner.registry import default_registry

    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE product (id INTEGER PRIMARY KEY, sku TEXT, price REAL)")
    snap = take_snapshot(f"sqlite:///{db}", LiveOptions())
    request = ScanRequest(targets=(snap.url,), root=".", config=Config(),
                          rules=tuple(rule() for rule in default_registry().all()))
    clean = {c.id: c.status for c in run_live_scan(request, [snap]).clauses}
    assert clean["3.3.2"] == "clean"
    snap.errors.append(("main.product", "sampling timed out: not classified by values"))
    result = run_live_scan(request, [snap]).to_dict()
    assert {c["id"]: c["status"] for c in result["clauses"]}["3.3.2"] == "partial"
    assert result["scan"]["errors"][0]["message"].startswith("main.product: sampling timed out")
