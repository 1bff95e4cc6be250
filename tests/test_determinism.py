"""Determinism: the same inputs give the same JSON result, run after run and whatever --jobs.

Every run is the real CLI in a subprocess (``python -m scanner``). The only fields normalised are
the scan's wall-clock times, named here; anything else that differs is a bug. The command line
(``scan.command``) records ``--jobs``, so it is compared between runs with the same command and
left out only when comparing a ``--jobs 1`` run with a ``--jobs 2`` run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.live_servers import port_open

REPO = Path(__file__).resolve().parent.parent
TIME_FIELDS = ("started_at", "finished_at")  # under "scan": the only fields normalised


def _dpscan(*args: str, cwd: Path, cache: Path) -> dict:
    env = {**os.environ, "DPSCAN_CACHE_DIR": str(cache)}
    env.pop("DPSCAN_CONFIG", None)
    run = subprocess.run([sys.executable, "-m", "scanner", *args, "--format", "json"], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def _normalised(data: dict, *, command: bool = True) -> dict:
    data = json.loads(json.dumps(data))
    for field in TIME_FIELDS:
        assert data["scan"].pop(field)
    if not command:
        data["scan"].pop("command")
    return data


def _differences(a, b, path: str = "") -> list[str]:
    """Where two JSON values differ (for a readable failure)."""
    if type(a) is not type(b):
        return [f"{path}: {a!r:.80} != {b!r:.80}"]
    if isinstance(a, dict):
        out = [f"{path}.{k}: only in one run" for k in set(a) ^ set(b)]
        for k in a.keys() & b.keys():
            out += _differences(a[k], b[k], f"{path}.{k}")
        if not out and list(a) != list(b):
            out.append(f"{path}: key order {list(a)} != {list(b)}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r:.80} != {b!r:.80}"]


def _assert_same(a: dict, b: dict) -> None:
    differences = _differences(a, b)
    errors = {e["message"] for e in a["scan"]["errors"]} ^ {e["message"] for e in b["scan"]["errors"]}
    assert not differences, "\n".join(differences[:20] + sorted(errors)[:10])
    assert json.dumps(a) == json.dumps(b)  # byte for byte, key order included


def _assert_deterministic(args: tuple[str, ...], cwd: Path, cache: Path) -> dict:
    runs = {jobs: [_dpscan(*args, "--jobs", jobs, cwd=cwd, cache=cache) for _ in range(2)]
            for jobs in ("1", "2")}
    for first, second in runs.values():
        _assert_same(_normalised(first), _normalised(second))
    _assert_same(_normalised(runs["1"][0], command=False), _normalised(runs["2"][0], command=False))
    return runs["1"][0]


def test_file_scan_of_the_fixtures_is_deterministic(tmp_path):
    # A private copy: the result must not change because someone edits fixtures/ meanwhile.
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    data = _assert_deterministic(("scan", "fixtures"), tmp_path, tmp_path / "cache")
    assert len(data["findings"]) > 50 and len(data["scan"]["inputs"]) > 20


# ---- live databases -----------------------------------------------------------------------------

@pytest.mark.skipif(not port_open("127.0.0.1", 5432), reason="no PostgreSQL server on 127.0.0.1:5432")
def test_live_postgres_scan_is_deterministic(tmp_path):
    psycopg = pytest.importorskip("psycopg")
    name = f"dpscan_det_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    try:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as conn:
            # big enough for TABLESAMPLE (rows > 10 x --max-samples): sampled pages must repeat
            conn.execute("CREATE TABLE contact (id int PRIMARY KEY, ref text, code text, note text)")
            conn.execute("INSERT INTO contact SELECT g, CASE WHEN g % 3 = 0 THEN '139' || "
                         "lpad(((g * 7919) % 100000000)::text, 8, '0') ELSE 'r' || md5(g::text) END, "
                         "md5(g::text), 'note ' || g FROM generate_series(1, 20000) g")
            conn.execute("CREATE TABLE customer (id int, email text, id_card_no varchar(18))")
            conn.execute("COMMENT ON COLUMN customer.id_card_no IS '身份证号码'")
            conn.execute("INSERT INTO customer SELECT g, 'u' || g || '@example.cn', NULL "
                         "FROM generate_series(1, 50) g")
            conn.execute("CREATE TABLE orders (id int, customer_ref text)")
            conn.execute("CREATE VIEW v_contact AS SELECT ref FROM contact")
            conn.execute("ANALYZE")
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        data = _assert_deterministic(("db", url, "--max-samples", "20"), tmp_path, tmp_path / "cache")
        assert data["findings"] and not data["scan"]["errors"]
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.mark.skipif(not port_open("127.0.0.1", 3306), reason="no MariaDB server on 127.0.0.1:3306")
def test_live_mariadb_scan_is_deterministic(tmp_path):
    pymysql = pytest.importorskip("pymysql")
    name = "dpscan_det_" + "".join(chr(97 + int(c, 16)) for c in uuid.uuid4().hex[:10])
    admin = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    cur = admin.cursor()
    try:
        for sql in (f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4",
                    f"CREATE TABLE `{name}`.contact (id INT PRIMARY KEY, ref VARCHAR(40), note TEXT)",
                    (f"INSERT INTO `{name}`.contact SELECT seq, IF(seq % 3 = 0, CONCAT('139', "
                     f"LPAD((seq * 7919) % 100000000, 8, '0')), MD5(seq)), CONCAT('note ', seq) "
                     f"FROM `{name}`.seq_1_to_5000"),
                    f"CREATE TABLE `{name}`.customer (id INT, id_card_no VARCHAR(18) COMMENT '身份证号码')",
                    f"CREATE VIEW `{name}`.v_contact AS SELECT ref FROM `{name}`.contact"):
            cur.execute(sql)
        url = f"mysql://root@127.0.0.1:3306/{name}"
        data = _assert_deterministic(("db", url, "--max-samples", "20"), tmp_path, tmp_path / "cache")
        assert data["findings"]
    finally:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        admin.close()
