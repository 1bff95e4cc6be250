"""SQLite database files in a scanned tree: read-only catalog, bounded samples, same rules."""

from __future__ import annotations

import shutil
import sqlite3

from scanner.parsers.source import InputSource, ParserSettings
from scanner.parsers.sqlite_db import parse_sqlite

from .conftest import FIXTURES, run_cli, write
from .test_live_cli import STAGING_EXPECTED

DEMO = FIXTURES / "demo" / "staging.db"

# What the bundled demo database must produce when found in a tree; the same set as `dpscan db`
# gives for it. A binary file cannot carry expect: comments, so its expectations live here.
DEMO_EXPECTED = STAGING_EXPECTED


def test_demo_database_findings_are_exact(tmp_path):
    shutil.copy(DEMO, tmp_path / "demo.sqlite")
    data = run_cli("scan", ".", "--format", "json", cwd=tmp_path).json()
    found = {(f["rule_id"], f["location"]["object"]) for f in data["findings"]}
    assert found == DEMO_EXPECTED
    assert all(f["location"]["path"] == "demo.sqlite" and "line" not in f["location"] for f in data["findings"])
    assert [i["kind"] for i in data["scan"]["inputs"]] == ["sqlite"]


def test_database_is_opened_read_only(tmp_path):
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE member (id INTEGER PRIMARY KEY, mobile TEXT)")
        conn.execute("INSERT INTO member VALUES (1, '13912345678')")
    before = db.read_bytes()
    model = parse_sqlite(InputSource("app.db", "sqlite", str(db), "binary", ParserSettings()))
    assert model.find_table("member").get_column("mobile").samples == ["13912345678"]
    assert db.read_bytes() == before
    assert not (tmp_path / "app.db-journal").exists() and not (tmp_path / "app.db-wal").exists()


def test_samples_are_bounded_and_distinct(tmp_path):
    db = tmp_path / "big.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [(str(i % 7),) for i in range(5000)])
    model = parse_sqlite(InputSource("big.db", "sqlite", str(db), "binary", ParserSettings(max_samples=5)))
    assert model.find_table("t").get_column("v").samples == ["0", "1", "2", "3", "4"]


def test_corrupt_database_is_an_input_error(tmp_path):
    write(tmp_path, "broken.sqlite", b"SQLite format 3\x00" + b"\xff" * 200)
    write(tmp_path, "app.py", "import requests\nrequests.get('https://x.example.com', verify=False)\n")
    data = run_cli("scan", ".", "--format", "json", cwd=tmp_path).json()
    assert [e["path"] for e in data["scan"]["errors"]] == ["broken.sqlite"]
    assert [f["rule_id"] for f in data["findings"]] == ["DP201"]


def test_no_sampled_value_leaves_the_scan(tmp_path):
    shutil.copy(DEMO, tmp_path / "demo.sqlite")
    run_cli("scan", ".", "-q", "--json", "r.json", "--html", "r.html", "--sarif", "r.sarif", cwd=tmp_path)
    outputs = [(tmp_path / n).read_text() for n in ("r.json", "r.html", "r.sarif")]
    outputs.append(run_cli("scan", ".", "--inventory", cwd=tmp_path).stdout)
    with sqlite3.connect(DEMO) as conn:
        values = [v for row in conn.execute("SELECT id_card_no, mobile, email, bank_card, full_name FROM customer")
                  for v in row]
    assert values
    for output in outputs:
        leaked = [v for v in values if v in output]
        assert leaked == []
