"""Precision and recall of PII-column classification on real public schema dumps.

Reads ../shared/realworld/*/ (dumps + our labels.json) and runs each dump through the same
pipeline as `dpscan scan` (streaming SQL front end + classification). Doubtful labels are scored
separately, as the labels' README asks. Skips quietly when the folder is absent.

    python bench/realworld_pii.py [--show-errors] [REALWORLD_DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scanner.parsers.schema import build  # noqa: E402
from scanner.parsers.source import InputSource  # noqa: E402

DEFAULT_DIR = REPO.parent / "shared" / "realworld"


def _key(table: str, column: str) -> tuple[str, str]:
    # Chinook's PostgreSQL file spells FirstName as first_name: compare without case or underscores.
    return table.lower().replace("_", ""), column.lower().replace("_", "")


def _labels(folder: Path) -> tuple[set, set, set]:
    data = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    sure = {_key(c["table"], c["column"]) for c in data["columns"] if not c.get("doubtful")}
    doubtful = {_key(c["table"], c["column"]) for c in data["columns"] if c.get("doubtful")}
    negatives = {_key(c["table"], c["column"]) for c in data.get("hard_negatives", [])}
    return sure, doubtful, negatives


def _classified(dump: Path) -> tuple[set, set, float]:
    started = time.perf_counter()
    model = build(InputSource(path=dump.name, kind="sql", abspath=str(dump), encoding="utf-8"))
    elapsed = time.perf_counter() - started
    columns = {_key(t.name, c.name) for t, c in model.columns() if t.kind != "view"}
    personal = {_key(t.name, c.name) for t, c in model.columns() if c.pii is not None and t.kind != "view"}
    return columns, personal, elapsed


def score(folder: Path, show_errors: bool) -> tuple[int, int, int]:
    sure, doubtful, negatives = _labels(folder)
    totals = [0, 0, 0]
    for dump in sorted(p for p in folder.iterdir() if p.suffix == ".sql"):
        columns, personal, elapsed = _classified(dump)
        scored = personal - doubtful
        tp = len(scored & sure)
        fp = len(scored - sure)
        fn = len((sure & columns) - personal)
        missing = len(sure - columns)  # labelled columns the parser never saw: counted as misses
        fn += missing
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        doubt = len(personal & doubtful)
        flagged_negatives = len(personal & negatives)
        print(f"{folder.name + '/' + dump.name:45} columns {len(columns):4}  tp {tp:3} fp {fp:3} fn {fn:3}"
              f"  precision {precision:.3f}  recall {recall:.3f}  doubtful flagged {doubt}/{len(doubtful)}"
              f"  hard negatives flagged {flagged_negatives}/{len(negatives)}  {elapsed:.2f}s")
        if show_errors:
            for item in sorted(scored - sure):
                print(f"    false positive: {item[0]}.{item[1]}")
            for item in sorted(sure - personal):
                print(f"    missed:         {item[0]}.{item[1]}{'' if item in columns else ' (not parsed)'}")
        totals[0] += tp
        totals[1] += fp
        totals[2] += fn
    return tuple(totals)


def measure(folder: Path = DEFAULT_DIR, show_errors: bool = False) -> dict | None:
    """Overall tp/fp/fn, precision and recall over every labelled folder; None when absent."""
    root = Path(folder)
    if not root.is_dir():
        return None
    tp = fp = fn = 0
    for sub in sorted(p for p in root.iterdir() if (p / "labels.json").is_file()):
        a, b, c = score(sub, show_errors)
        tp, fp, fn = tp + a, fp + b, fn + c
    return {"tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT_DIR))
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    fig = measure(Path(args.folder), args.show_errors)
    if fig is None:
        print(f"skipped: {args.folder} not found")
        return 0
    print(f"{'overall (non-doubtful labels)':45} tp {fig['tp']} fp {fig['fp']} fn {fig['fn']}  "
          f"precision {fig['precision']:.3f}  recall {fig['recall']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
