"""Wall time of a live PostgreSQL scan: 1,000 tables x 20 columns x 1,000 rows.

Builds a throwaway database on the server (set-based: one seed table from generate_series, then
one DO block copying it), scans it with run_live_scan without and with value sampling, prints
both times and drops the database. Target: under 30 s with sampling.

    python bench/live_pg.py [--url postgresql://postgres@127.0.0.1:5432] [--tables 1000]
                            [--rows 1000] [--jobs 1]
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# 20 columns: a few personal, most not.
_SEED = """
CREATE TABLE seed AS SELECT
  g AS id, now() - g * interval '1 hour' AS created_at, (g % 5)::smallint AS status,
  (g * 1.37)::numeric(12,2) AS amount, 'remark ' || g AS remark,
  (ARRAY['张伟','王芳','李娜','刘洋','陈静'])[g % 5 + 1] || g AS customer_name,
  '13' || lpad(((g * 7919) % 1000000000)::text, 9, '0') AS mobile,
  'user' || g || '@example.cn' AS email,
  '110101' || (19800101 + g % 28)::text || lpad((g % 1000)::text, 3, '0') || 'X' AS id_card_no,
  'goods ' || (g % 97) AS goods_name, (g % 13)::bigint AS dept_id, 'SKU-' || g AS sku,
  '北京市朝阳区建国路' || g || '号' AS address, (g % 500)::numeric(10,2) AS price,
  g % 9 AS qty, now() AS updated_at, md5(g::text) AS token_hash, 1 AS version,
  (g % 2 = 0) AS active, 'note ' || (g % 7) AS note
FROM generate_series(1, %(rows)s) g
"""
_COPY = """
DO $$ BEGIN
  FOR i IN 1..%(tables)s LOOP
    EXECUTE format('CREATE TABLE t_%%s AS TABLE seed', i);
  END LOOP;
END $$
"""


def measure(url: str = "postgresql://postgres@127.0.0.1:5432", tables: int = 1000, rows: int = 1000,
            jobs: int = 1, log=print) -> dict:
    """Build, scan without and with sampling, drop; returns {"off_s", "on_s", ...}."""
    import psycopg

    from scanner.config import Config
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.live import LiveOptions, take_snapshot
    from scanner.registry import default_registry
    from scanner.ruleset import select_rules

    fig: dict = {"tables": tables, "rows": rows}
    db = f"dpscan_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {db}")
    target = f"{url}/{db}"
    try:
        start = time.perf_counter()
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(_SEED.replace("%(rows)s", str(rows)))
            conn.execute(_COPY.replace("%(tables)s", str(tables)).replace("%%", "%"))
            conn.execute("DROP TABLE seed")
            conn.execute("ANALYZE")
        log(f"built {tables} tables x 20 columns x {rows} rows "
            f"in {time.perf_counter() - start:.1f} s")
        config = Config()
        rules = tuple(select_rules(default_registry(), config))
        for sample in (False, True):
            start = time.perf_counter()
            snap = take_snapshot(target, LiveOptions(sample=sample, jobs=jobs))
            taken = time.perf_counter() - start
            request = ScanRequest(targets=(target,), root=".", config=config, rules=rules)
            result = run_live_scan(request, [snap]).to_dict()
            total = time.perf_counter() - start
            fig["on_s" if sample else "off_s"] = total
            log(f"sampling={'on ' if sample else 'off'}: snapshot {taken:.1f} s, total {total:.1f} s, "
                f"{len(result['findings'])} findings, {len(snap.errors)} errors")
    finally:
        with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    measure(args.url, args.tables, args.rows, args.jobs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
