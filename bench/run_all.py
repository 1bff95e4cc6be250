"""Every benchmark in one command, one table: benchmark, dpscan figure, anchor figure, ratio, target, met.

Runs, in this order (each is also runnable alone; see its docstring):

    hook      bench/hook_latency.py     dpscan hook vs detect-secrets-hook, 5 staged files
    tree      bench/tree_vs_bandit.py   dpscan scan vs bandit on Django, then the warm result cache
    dumps     bench/big_dump.py         5,000-table schemas (PostgreSQL, MySQL), 1 GB COPY dump
    values    bench/values_throughput.py  value classification vs plain presidio, 10,000 values
    realworld bench/realworld_pii.py    PII columns on real public dumps (skipped without the data)
    live_pg   bench/live_pg.py          live PostgreSQL scan (only with --live-url or --only live_pg)

Each module exposes ``measure(...)`` returning its figures; nothing here parses stdout. --quick
shrinks every size (hook 5 rounds; the django/contrib/auth subtree, 1 round; 500-table schemas
and a ~64 MB dump; 2,000 values, 1 round) to check the plumbing in a few minutes; the targets
stay those of the full sizes, so quick "met" columns are indicative only. The machine is shared:
every figure is noisy.

    python bench/run_all.py [--quick] [--only NAME[,NAME]] [--tree DIR] [--live-url URL] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

ORDER = ("hook", "tree", "dumps", "values", "realworld", "live_pg")


def _row(name, dpscan, anchor, ratio, target, met) -> dict:
    return {"benchmark": name, "dpscan": dpscan, "anchor": anchor, "ratio": ratio, "target": target,
            "met": None if met is None else bool(met)}


def run_hook(args) -> list[dict]:
    import hook_latency

    f = hook_latency.measure(rounds=5 if args.quick else 15)
    flag = " --no-cache" if f["no_cache_option"] else ""
    return [
        _row(f"hook latency (dpscan hook{flag} / detect-secrets-hook)", f"{f['dpscan_s']:.2f} s",
             f"{f['detect_secrets_s']:.2f} s", f"{f['ratio']:.2f}", "<= 1.0", f["ratio"] <= 1.0),
        _row("hook latency, dpscan result cache warm", f"{f['dpscan_cached_s']:.2f} s",
             f"{f['detect_secrets_s']:.2f} s", f"{f['cached_ratio']:.2f}", "(info)", None),
    ]


def run_tree(args) -> list[dict]:
    import tree_vs_bandit

    if args.tree:
        tree = Path(args.tree).resolve()
    else:
        tree = tree_vs_bandit.fetch_django()
        if args.quick:
            tree = tree / "django" / "contrib" / "auth"
    f = tree_vs_bandit.measure(tree, repeat=1 if args.quick else 3)
    rows = [_row(f"tree scan vs bandit ({tree.name}, {f['files']} .py)", f"{f['dpscan_s']:.1f} s",
                 f"{f['bandit_s']:.1f} s", f"{f['ratio']:.2f}", "<= 0.5", f["ratio"] <= 0.5)]
    if f["warm_fraction"] is None:
        rows.append(_row("tree scan, warm result cache", "n/a", "", "", "<= 10% of cold", None))
    else:
        rows.append(_row("tree scan, warm result cache (warm / cold)", f"{f['warm_s']:.1f} s",
                         f"{f['cold_s']:.1f} s", f"{100 * f['warm_fraction']:.1f}%", "<= 10%",
                         f["warm_fraction"] <= 0.10))
    return rows


def run_dumps(args) -> list[dict]:
    import big_dump

    f = big_dump.measure(tables=500 if args.quick else 5000, data_mb=64 if args.quick else 1024)
    return [
        _row(f"schema dump, PostgreSQL, {f['tables']} tables", f"{f['postgres_s']:.1f} s", "", "", "< 15 s",
             f["postgres_s"] < 15),
        _row(f"schema dump, MySQL, {f['tables']} tables", f"{f['mysql_s']:.1f} s", "", "", "< 15 s",
             f["mysql_s"] < 15),
        _row(f"COPY dump {f['copy_mb']:.0f} MB, peak RSS", f"{f['copy_rss_mb']:.0f} MB ({f['copy_s']:.1f} s)",
             "", "", "< 300 MB", f["copy_rss_mb"] < 300),
    ]


def run_values(args) -> list[dict]:
    import values_throughput

    f = values_throughput.measure(values=2000 if args.quick else 10_000, repeat=1 if args.quick else 3)
    d, p = f["dpscan"], f["presidio"]
    recall_ok = all(d["labels"][lb]["recall"] >= p["labels"][lb]["recall"] for lb in values_throughput.LABELS)
    return [
        _row(f"values throughput ({f['values']} values)", f"{f['dpscan_values_per_s']:,.0f} v/s",
             f"{f['presidio_values_per_s']:,.0f} v/s", f"{f['ratio']:.1f}x", ">= 5x", f["ratio"] >= 5),
        _row("values recall / precision, overall", f"{d['overall']['recall']:.3f} / {d['overall']['precision']:.3f}",
             f"{p['overall']['recall']:.3f} / {p['overall']['precision']:.3f}", "",
             "recall >= presidio's, every label", recall_ok),
    ]


def run_realworld(args) -> list[dict]:
    import realworld_pii

    f = realworld_pii.measure()
    if f is None:
        return [_row("PII columns on real dumps", "skipped (no data)", "", "", "", None)]
    return [_row("PII columns on real dumps (precision / recall)", f"{f['precision']:.3f} / {f['recall']:.3f}",
                 "", "", "P >= 0.90, R >= 0.95", f["precision"] >= 0.90 and f["recall"] >= 0.95)]


def run_live_pg(args) -> list[dict]:
    import live_pg

    url = args.live_url or "postgresql://postgres@127.0.0.1:5432"
    f = live_pg.measure(url, tables=100 if args.quick else 1000)
    return [_row(f"live PostgreSQL, {f['tables']} tables, sampling on", f"{f['on_s']:.1f} s",
                 f"off {f['off_s']:.1f} s", "", "< 30 s", f["on_s"] < 30)]


RUNNERS = {"hook": run_hook, "tree": run_tree, "dumps": run_dumps, "values": run_values,
           "realworld": run_realworld, "live_pg": run_live_pg}


def print_table(rows: list[dict]) -> None:
    heads = ("benchmark", "dpscan", "anchor", "ratio", "target", "met")
    cells = [[r["benchmark"], r["dpscan"], r["anchor"], r["ratio"], r["target"],
              "-" if r["met"] is None else ("yes" if r["met"] else "NO")] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    line = "  ".join(h.ljust(w) for h, w in zip(heads, widths))
    print("\n" + line + "\n" + "-" * len(line))
    for c in cells:
        print("  ".join(v.ljust(w) for v, w in zip(c, widths)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one round: checks the plumbing")
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(ORDER)}")
    parser.add_argument("--tree", help="source tree for the tree benchmark (default: download Django)")
    parser.add_argument("--live-url", help="PostgreSQL server URL; runs live_pg")
    parser.add_argument("--json", help="also write the table rows as JSON to this file")
    args = parser.parse_args(argv)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in RUNNERS]
        if unknown:
            parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ORDER)}")
    else:
        names = [n for n in ORDER if n != "live_pg" or args.live_url]
    rows: list[dict] = []
    for name in names:
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        try:
            rows += RUNNERS[name](args)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            rows.append(_row(name, f"failed: {type(exc).__name__}", "", "", "", None))
        print(f"   ({time.perf_counter() - start:.0f} s)", flush=True)
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
