"""Resource bounds of `dpscan scan` (issue 10, item 5): a ~2 GB dump and a tree of 100,000 files.

Not a unit test: it generates its inputs in a temporary directory, runs the real CLI in a
subprocess per scan, prints wall time, throughput and peak memory, then deletes everything
(unless --keep). Two memory figures per scan:

- peak RSS (largest process): ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a fresh parent that
  only runs the scan, i.e. the largest single process of the scan (the CLI or one pool worker);
- peak RSS (process tree): the largest sum of VmRSS over the scan and all its descendants,
  sampled from /proc every 0.1 s (what the machine must have free when --jobs > 1; sampling
  may miss a short spike).

Targets: the 2 GB dump in bounded memory (< 300 MB peak RSS) at >= 20 MB/s; 100,000 files in
bounded memory (the figure printed is the one to hold). The machine is shared (2 cores): wall
times are noisy, memory figures much less so.

    python bench/resource_bounds.py [--size-gb 2] [--files 100000] [--jobs 0] [--mysql-gb 0]
                                    [--keep DIR] [--skip-dump] [--skip-tree]

The result cache (scanner/cache.py) is pointed at a fresh directory inside the work directory,
so every scan here is a cold one.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from big_dump import _id_number  # the same synthetic resident IDs as bench/big_dump.py

MB = 1024 * 1024

# A fresh parent per scan: RUSAGE_CHILDREN's ru_maxrss is then the largest process of that scan
# (the CLI or one of its pool workers: ru_maxrss of descendants is a maximum, not a sum).
_MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "p = subprocess.Popen(sys.argv[1:]); print(p.pid, flush=True); code = p.wait(); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)"
)


# -- generators -----------------------------------------------------------------------------------
def _copy_block(rng: random.Random, table: int, rows: int) -> str:
    lines = [f"COPY public.customer_{table} (id, name, mobile, id_card_no, email, note) FROM stdin;\n"]
    for i in range(rows):
        lines.append(f"{i}\t张{rng.randint(1, 999)}\t1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}\t"
                     f"{_id_number(rng)}\tu{rng.randint(0, 10**6)}@example.cn\tsome free text about order {i}\n")
    lines.append("\\.\n\n")
    return "".join(lines)


def write_pg_dump(path: Path, size: int) -> None:
    """A pg_dump-style dump with COPY data: 20 tables, then COPY blocks of 50,000 rows up to ``size``.

    Eight distinct blocks are generated and written round-robin under the 20 tables (random
    generation of 2 GB would take longer than the scan); the scanner samples at most a few
    hundred values per column, so repetition changes nothing it does.
    """
    rng = random.Random(7)
    blocks = [_copy_block(rng, 0, 50_000) for _ in range(8)]
    with path.open("w", encoding="utf-8") as out:
        out.write("--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n\n")
        for t in range(20):
            out.write(f"CREATE TABLE public.customer_{t} (\n    id bigint NOT NULL,\n    name character varying(64),\n"
                      "    mobile character varying(20),\n    id_card_no character varying(18),\n"
                      "    email character varying(128),\n    note text\n);\n\n")
        written, n = out.tell(), 0
        while written < size:
            block = blocks[n % len(blocks)].replace("public.customer_0 ", f"public.customer_{n % 20} ", 1)
            out.write(block)
            written += len(block.encode("utf-8"))
            n += 1


def write_mysql_dump(path: Path, size: int) -> None:
    """A mysqldump-style dump: extended INSERTs of 1,000 rows per statement up to ``size``."""
    rng = random.Random(11)
    statements = []
    for _ in range(40):
        rows = ",".join(f"({i},'李{rng.randint(1, 999)}','1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}',"
                        f"'{_id_number(rng)}','u{rng.randint(0, 10**6)}@example.cn','order {i} note')"
                        for i in range(1000))
        statements.append(rows)
    with path.open("w", encoding="utf-8") as out:
        out.write("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n\n")
        for t in range(20):
            out.write(f"CREATE TABLE `customer_{t}` (\n  `id` bigint NOT NULL,\n  `name` varchar(64) COMMENT '姓名',\n"
                      "  `mobile` varchar(20) COMMENT '手机号',\n  `id_card_no` varchar(18) COMMENT '身份证号',\n"
                      "  `email` varchar(128),\n  `note` text,\n  PRIMARY KEY (`id`)\n"
                      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n")
        written, n = out.tell(), 0
        while written < size:
            stmt = f"INSERT INTO `customer_{n % 20}` VALUES {statements[n % len(statements)]};\n"
            out.write(stmt)
            written += len(stmt.encode("utf-8"))
            n += 1


# (relative path pattern, content) of the small files; a few carry findings.
_PLAIN = {
    "py": "import os\n\n\ndef handler_{i}(event):\n    total = sum(x * 2 for x in event.get('items', []))\n"
          "    return {{'id': {i}, 'total': total, 'home': os.environ.get('HOME')}}\n",
    "sql": "CREATE TABLE item_{i} (\n  id bigint PRIMARY KEY,\n  sku varchar(32),\n  qty integer\n);\n",
    "conf": "# service {i}\nworker_processes 2;\nevents {{ worker_connections 1024; }}\n",
    "env": "APP_NAME=svc{i}\nLOG_LEVEL=info\nPORT=80{d}\n",
    "yaml": "name: svc{i}\nreplicas: 2\nlabels:\n  team: core\n  tier: backend\n",
    "tf": 'variable "region_{i}" {{\n  type    = string\n  default = "cn-north-1"\n}}\n',
    "txt": "Release notes for component {i}.\nNothing to see here.\n",
}
_WITH_FINDINGS = {
    "py": "import requests\nimport hashlib\n\nDB_PASSWORD = 'Hard-Coded-{i}-pw'\n\n\ndef f():\n"
          "    requests.get('https://x.example.com', verify=False)\n    return hashlib.md5(b'x').hexdigest()\n",
    "sql": "CREATE TABLE customer_{i} (\n  id bigint PRIMARY KEY,\n  full_name varchar(64),\n"
           "  id_card_no varchar(18),\n  mobile varchar(20)\n);\nGRANT ALL ON customer_{i} TO PUBLIC;\n",
    "conf": "server {{\n  listen 443 ssl;\n  ssl_protocols TLSv1 TLSv1.1;\n  ssl_ciphers RC4:DES;\n}}\n",
    "env": "DATABASE_URL=postgres://app:Env-Pw-{i}-x@db.internal/shop?sslmode=disable\nDB_PASSWORD=Env-Pw-{i}-y\n",
    "yaml": "spring:\n  datasource:\n    password: Yaml-Pw-{i}-z\n",
    "tf": 'resource "aws_db_instance" "db{i}" {{\n  engine = "mysql"\n  password = "Tf-Pw-{i}-q"\n'
          "  storage_encrypted = false\n}}\n",
    "txt": "contact: ops{i}@example.cn\n",
}
_NAMES = {"py": "mod_{i}.py", "sql": "schema_{i}.sql", "conf": "nginx_{i}.conf", "env": "svc_{i}.env",
          "yaml": "values_{i}.yaml", "tf": "main_{i}.tf", "txt": "notes_{i}.txt"}


def write_tree(root: Path, files: int, findings_every: int = 200) -> int:
    """``files`` small files of mixed kinds in directories of 500; one in ``findings_every`` has
    findings. Returns the total size in bytes."""
    kinds = list(_NAMES)
    total = 0
    for i in range(files):
        kind = kinds[i % len(kinds)]
        folder = root / f"pkg{i // 500:04d}"
        if i % 500 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        template = _WITH_FINDINGS[kind] if i % findings_every == 0 else _PLAIN[kind]
        data = template.format(i=i, d=i % 10).encode("utf-8")
        (folder / _NAMES[kind].format(i=i)).write_bytes(data)
        total += len(data)
    return total


# -- measuring ------------------------------------------------------------------------------------
def _tree_rss(root_pid: int) -> int:
    """Sum of VmRSS (kB) of ``root_pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            with open(f"/proc/{entry.name}/statm", encoding="ascii") as handle:
                rss[int(entry.name)] = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def run_scan(targets: list[str], cwd: Path, jobs: int, cache: Path, extra: list[str]) -> dict:
    """Scan in a subprocess; wall seconds, peak RSS (largest process, whole tree) in MB, exit code."""
    out = cwd / "result.json"
    scan = [sys.executable, "-m", "scanner", "scan", *targets, "--format", "json", "--output", str(out),
            "--quiet", "--jobs", str(jobs), *extra]
    env = {**os.environ, "PYTHONPATH": str(REPO), "DPSCAN_CACHE_DIR": str(cache)}
    proc = subprocess.Popen([sys.executable, "-c", _MEASURE, *scan], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    scan_pid = int(proc.stdout.readline())
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss(scan_pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    seconds, rss_kb, code = stdout.split()
    if int(code) not in (0, 1):
        print(stderr[-3000:], file=sys.stderr)
    result = {"seconds": float(seconds), "peak_mb": int(rss_kb) / 1024, "tree_mb": peak_tree / 1024,
              "code": int(code), "result_mb": out.stat().st_size / MB if out.exists() else 0.0}
    out.unlink(missing_ok=True)
    return result


def _check_disk(workdir: Path, needed: int) -> None:
    free = shutil.disk_usage(workdir).free
    if free < 3 * needed:
        raise SystemExit(f"resource_bounds: refusing to run: {free / 1e9:.1f} GB free in {workdir}, "
                         f"need 3 x {needed / 1e9:.1f} GB (lower --size-gb / --files, or --keep elsewhere)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0, help="size of the pg_dump with COPY data")
    parser.add_argument("--mysql-gb", type=float, default=0.0, help="also a MySQL extended-INSERT dump of this size")
    parser.add_argument("--files", type=int, default=100_000, help="small files in the tree")
    parser.add_argument("--jobs", type=int, default=0, help="dpscan --jobs (0: every core)")
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--skip-dump", action="store_true")
    parser.add_argument("--skip-tree", action="store_true")
    args = parser.parse_args()

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="dpscan-bounds-"))
    workdir.mkdir(parents=True, exist_ok=True)
    needed = int(((0 if args.skip_dump else args.size_gb + args.mysql_gb) * 1e9)
                 + (0 if args.skip_tree else args.files * 4096))  # a small file takes a 4 KiB block
    rows: list[tuple[str, str, str, str]] = []
    try:
        _check_disk(workdir, needed)
        if not args.skip_dump:
            dumps = [("pg_dump, COPY data", "copy_data.sql", write_pg_dump, args.size_gb)]
            if args.mysql_gb > 0:
                dumps.append(("mysqldump, extended INSERTs", "mysql_data.sql", write_mysql_dump, args.mysql_gb))
            for label, name, writer, gb in dumps:
                dump = workdir / name
                started = time.perf_counter()
                writer(dump, int(gb * 1e9))
                size = dump.stat().st_size
                print(f"generated {dump} ({size / 1e9:.2f} GB) in {time.perf_counter() - started:.0f} s", flush=True)
                r = run_scan([dump.name], workdir, args.jobs, workdir / "cache", [])
                rate = size / MB / r["seconds"]
                print(f"{label}: {size / 1e9:.2f} GB in {r['seconds']:.1f} s = {rate:.1f} MB/s; peak RSS "
                      f"{r['peak_mb']:.0f} MB (largest process), {r['tree_mb']:.0f} MB (process tree); "
                      f"exit {r['code']}", flush=True)
                rows.append((f"{size / 1e9:.2f} GB {label}", "< 300 MB peak RSS, >= 20 MB/s",
                             f"{r['peak_mb']:.0f} MB (tree {r['tree_mb']:.0f} MB), {rate:.1f} MB/s, {r['seconds']:.0f} s",
                             "ok" if r["peak_mb"] < 300 and rate >= 20 else "MISSED"))
                dump.unlink()
        if not args.skip_tree:
            tree = workdir / "tree"
            started = time.perf_counter()
            total = write_tree(tree, args.files)
            print(f"generated {args.files} files ({total / MB:.1f} MB) in {time.perf_counter() - started:.0f} s",
                  flush=True)
            r = run_scan(["tree"], workdir, args.jobs, workdir / "cache-tree", [])
            rate = args.files / r["seconds"]
            print(f"tree: {args.files} files in {r['seconds']:.1f} s = {rate:.0f} files/s; peak RSS "
                  f"{r['peak_mb']:.0f} MB (largest process), {r['tree_mb']:.0f} MB (process tree); "
                  f"JSON result {r['result_mb']:.1f} MB; exit {r['code']}", flush=True)
            rows.append((f"{args.files:,} small files", "bounded memory (figure to hold)",
                         f"{r['peak_mb']:.0f} MB (tree {r['tree_mb']:.0f} MB), {rate:.0f} files/s, {r['seconds']:.0f} s",
                         "-"))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    width = max((len(r[0]) for r in rows), default=10)
    print(f"\n{'input':{width}}  {'target':32}  {'measured (jobs=' + str(args.jobs) + ')':50}  verdict")
    for what, target, measured, verdict in rows:
        print(f"{what:{width}}  {target:32}  {measured:50}  {verdict}")
    print("(2 shared cores: wall times are noisy; RSS figures are steadier)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
