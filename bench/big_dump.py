"""Wall time and peak memory of `dpscan scan` on generated large SQL dumps.

Targets on a 2-core machine (issue 3): a 5,000-table schema (about 100,000 columns) in under
15 s, in both PostgreSQL and MySQL flavours; a dump of about 1 GB with COPY data in under
300 MB peak RSS. Each scan runs in its own process, so its peak RSS is its own.

    python bench/big_dump.py [--tables 5000] [--data-mb 1024] [--keep DIR]
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Column shapes of a typical business schema: mostly non-personal, some personal, a few sensitive.
_COLUMNS = [
    ("id", "bigint", ""), ("created_at", "timestamp", ""), ("status", "smallint", "状态"),
    ("amount", "numeric(12,2)", "金额"), ("remark", "varchar(255)", "备注"),
    ("customer_name", "varchar(64)", "客户姓名"), ("mobile", "varchar(20)", "手机号"),
    ("email", "varchar(128)", ""), ("id_card_no", "varchar(18)", "身份证号码"),
    ("goods_name", "varchar(128)", "商品名称"), ("dept_id", "bigint", ""), ("sku", "varchar(32)", ""),
    ("address", "varchar(255)", "家庭住址"), ("price", "numeric(10,2)", ""), ("qty", "integer", ""),
    ("updated_at", "timestamp", ""), ("bank_card", "varchar(19)", ""), ("version", "integer", ""),
    ("is_deleted", "boolean", ""), ("owner_id", "bigint", ""),
]


def write_schema(path: Path, tables: int, flavour: str) -> None:
    quote = "`" if flavour == "mysql" else '"'
    with path.open("w", encoding="utf-8") as out:
        out.write("-- MySQL dump 10.13\n" if flavour == "mysql" else "-- PostgreSQL database dump\n")
        for t in range(tables):
            name = f"t{t:05d}_orders"
            cols = []
            for c, (col, typ, comment) in enumerate(_COLUMNS):
                if flavour == "mysql":
                    typ = typ.replace("boolean", "tinyint(1)").replace("timestamp", "datetime")
                    extra = f" COMMENT '{comment}'" if comment else ""
                else:
                    extra = ""
                cols.append(f"  {quote}{col}{quote} {typ}{' NOT NULL' if c == 0 else ''}{extra}")
            out.write(f"CREATE TABLE {quote}{name}{quote} (\n" + ",\n".join(cols)
                      + f",\n  PRIMARY KEY ({quote}id{quote})\n);\n")
            if flavour == "postgres":
                for col, _, comment in _COLUMNS:
                    if comment:
                        out.write(f"COMMENT ON COLUMN {name}.{col} IS '{comment}';\n")


def _id_number(rng: random.Random) -> str:
    body = f"{rng.choice(['110101', '310104', '440305'])}19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def write_copy_dump(path: Path, megabytes: int) -> None:
    rng = random.Random(7)
    target = megabytes * 1024 * 1024
    with path.open("w", encoding="utf-8") as out:
        out.write("-- PostgreSQL database dump\n\n")
        for t in range(20):
            out.write(f"CREATE TABLE public.customer_{t} (\n    id bigint NOT NULL,\n    name varchar(64),\n"
                      "    mobile varchar(20),\n    id_card_no varchar(18),\n    note text\n);\n")
        written = out.tell()
        t = 0
        while written < target:
            out.write(f"COPY public.customer_{t % 20} (id, name, mobile, id_card_no, note) FROM stdin;\n")
            rows = []
            for i in range(100_000):
                rows.append(f"{i}\t张{rng.randint(1, 999)}\t1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}\t"
                            f"{_id_number(rng)}\tsome free text about order {i}\n")
            out.write("".join(rows))
            out.write("\\.\n\n")
            written = out.tell()
            t += 1


# A fresh parent per scan: RUSAGE_CHILDREN's ru_maxrss is then exactly that scan's peak RSS.
_MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "code = subprocess.run(sys.argv[1:]).returncode; "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


@functools.cache
def _no_cache() -> tuple[str, ...]:
    """--no-cache when this dpscan has a result cache: the seeded dumps repeat, a hit would lie."""
    out = subprocess.run([sys.executable, "-m", "scanner", "scan", "--help"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO)
    return ("--no-cache",) if "--no-cache" in out.stdout else ()


def run_scan(dump: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB of the scan process, exit code)."""
    scan = [sys.executable, "-m", "scanner", "scan", str(dump), "--select", "DP1", "--format", "json",
            "--output", str(dump.with_suffix(".json")), "--quiet", "--jobs", "1", *_no_cache()]
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *scan], cwd=dump.parent,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    seconds, rss_kb, code = proc.stdout.split()
    if int(code) not in (0, 1):
        print(proc.stderr, file=sys.stderr)
    return float(seconds), int(rss_kb) / 1024, int(code)


def measure(tables: int = 5000, data_mb: int = 1024, keep: str | None = None, log=print) -> dict:
    """Run the three scans; returns {"<flavour>_s", "<flavour>_rss_mb", "copy_s", "copy_rss_mb", ...}."""
    workdir = Path(keep or tempfile.mkdtemp(prefix="dpscan-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    fig: dict = {"tables": tables, "columns": tables * len(_COLUMNS), "data_mb": data_mb}
    try:
        for flavour in ("postgres", "mysql"):
            dump = workdir / f"schema_{flavour}.sql"
            write_schema(dump, tables, flavour)
            seconds, peak, code = run_scan(dump)
            fig.update({f"{flavour}_s": seconds, f"{flavour}_rss_mb": peak, f"{flavour}_mb": dump.stat().st_size / 1e6})
            log(f"{flavour:8} schema: {tables} tables, {tables * len(_COLUMNS)} columns, "
                f"{dump.stat().st_size / 1e6:.1f} MB: {seconds:.1f} s, peak RSS {peak:.0f} MB (exit {code}); target < 15 s")
        dump = workdir / "copy_data.sql"
        write_copy_dump(dump, data_mb)
        seconds, peak, code = run_scan(dump)
        fig.update({"copy_s": seconds, "copy_rss_mb": peak, "copy_mb": dump.stat().st_size / 1e6})
        log(f"COPY data dump: {dump.stat().st_size / 1e6:.0f} MB: {seconds:.1f} s, peak RSS {peak:.0f} MB "
            f"(exit {code}); target < 300 MB")
    finally:
        if not keep:
            for path in workdir.iterdir():
                path.unlink()
            workdir.rmdir()
    return fig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=5000)
    parser.add_argument("--data-mb", type=int, default=1024)
    parser.add_argument("--keep", help="write the dumps here and keep them")
    args = parser.parse_args()
    measure(args.tables, args.data_mb, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
