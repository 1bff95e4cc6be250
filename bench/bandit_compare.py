"""Compare dpscan's crypto/TLS rules with Bandit on a labelled corpus.

    .venv/bin/python bench/bandit_compare.py [--corpus bench/corpus/python_crypto] [--repeat 3]

Bandit is a measurement tool here, not a dependency: install it into the venv first
(``.venv/bin/pip install bandit``). Every scored line of the corpus carries its truth in a
comment (``# truth: weak-hash`` / ``# truth: ok``; see the corpus README). Both tools run as
subprocesses on the same tree (``bandit -f json -r``, ``python -m scanner scan --format json
--select DP3,DP2``); their findings are mapped to the categories both tools check, and each
category gets truth count, true positives, false positives and misses per tool. A finding counts
once per (file, line, category). Findings of checks the other tool lacks (Bandit's pickle or
subprocess checks, dpscan's static-IV or hard-coded-key rules) are left out and only counted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATEGORIES = ("weak-hash", "weak-cipher", "ecb", "small-key", "tls-protocol", "verify-disabled",
              "plaintext")

# Bandit test ids (1.7-1.9) by category. B401/B402 flag the *import* of telnetlib/ftplib; they
# are mapped (that is what Bandit reports for plaintext protocols) and score on the import line.
BANDIT = {
    "B303": "weak-hash", "B324": "weak-hash",
    "B304": "weak-cipher",
    "B305": "ecb",
    "B505": "small-key",
    "B502": "tls-protocol", "B503": "tls-protocol", "B504": "tls-protocol",
    "B501": "verify-disabled", "B323": "verify-disabled", "B507": "verify-disabled",
    "B321": "plaintext", "B312": "plaintext", "B401": "plaintext", "B402": "plaintext",
}
DPSCAN = {
    "DP301": "weak-hash", "DP302": "weak-hash",
    "DP303": "weak-cipher",
    "DP304": "ecb",
    "DP308": "small-key",
    "DP203": "tls-protocol",
    "DP201": "verify-disabled", "DP204": "verify-disabled",
    "DP206": "plaintext", "DP207": "plaintext", "DP208": "plaintext", "DP209": "plaintext",
    "DP202": "plaintext",
}
_TRUTH = re.compile(r"#\s*truth:\s*(?P<labels>[\w\-, ]+?)\s*$")

Key = tuple[str, int, str]  # (path relative to the corpus, line, category)


def read_truth(corpus: Path) -> set[Key]:
    truth: set[Key] = set()
    for path in sorted(corpus.rglob("*.py")):
        rel = path.relative_to(corpus).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _TRUTH.search(line)
            if not match:
                continue
            for label in re.split(r"[,\s]+", match.group("labels").strip()):
                if label == "ok":
                    continue
                if label not in CATEGORIES:
                    sys.exit(f"{rel}:{number}: unknown truth category {label!r}")
                truth.add((rel, number, label))
    return truth


def timed(command: list[str], cwd: Path, repeat: int) -> tuple[str, float]:
    """Run ``command`` ``repeat`` times; its last stdout and the median wall time."""
    times, out = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):  # both exit 1 when they find something
            sys.exit(f"{command[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        out = done.stdout
    return out, statistics.median(times)


def run_bandit(corpus: Path, repeat: int) -> tuple[set[Key], Counter, float]:
    exe = shutil.which("bandit", path=str(Path(sys.executable).parent)) or shutil.which("bandit")
    if exe is None:
        sys.exit("bandit is not installed: .venv/bin/pip install bandit")
    out, seconds = timed([exe, "-f", "json", "-q", "-r", "."], corpus, repeat)
    found, other = set(), Counter()
    for result in json.loads(out)["results"]:
        path = os.path.normpath(result["filename"]).replace(os.sep, "/")
        category = BANDIT.get(result["test_id"])
        if category:
            found.add((path, result["line_number"], category))
        else:
            other[result["test_id"]] += 1
    return found, other, seconds


def run_dpscan(corpus: Path, repeat: int) -> tuple[set[Key], Counter, float]:
    command = [sys.executable, "-m", "scanner", "scan", ".", "--format", "json",
               "--select", "DP3,DP2"]
    env_path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    os.environ["PYTHONPATH"] = env_path  # the corpus is the cwd; the scanner lives in REPO
    out, seconds = timed(command, corpus, repeat)
    data = json.loads(out)
    if data["scan"]["errors"]:
        sys.exit(f"dpscan could not read the corpus: {data['scan']['errors']}")
    found, other = set(), Counter()
    for finding in data["findings"]:
        category = DPSCAN.get(finding["rule_id"])
        location = finding["location"]
        if category:
            found.add((location["path"], location["line"], category))
        else:
            other[finding["rule_id"]] += 1
    return found, other, seconds


def score(found: set[Key], truth: set[Key], category: str) -> tuple[int, int, int]:
    mine = {k for k in found if k[2] == category}
    expected = {k for k in truth if k[2] == category}
    return len(mine & expected), len(mine - expected), len(expected - mine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "bench/corpus/python_crypto")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median is shown")
    parser.add_argument("--details", action="store_true", help="list every FP and miss")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    truth = read_truth(corpus)
    tools = {"bandit": run_bandit(corpus, args.repeat), "dpscan": run_dpscan(corpus, args.repeat)}

    header = f"{'category':16}{'truth':>6} | " + " | ".join(
        f"{name + ' tp':>10}{'fp':>4}{'miss':>5}" for name in tools)
    print(header)
    print("-" * len(header))
    totals = {name: [0, 0, 0] for name in tools}
    for category in CATEGORIES:
        row = f"{category:16}{sum(1 for k in truth if k[2] == category):>6} | "
        cells = []
        for name, (found, _other, _secs) in tools.items():
            tp, fp, fn = score(found, truth, category)
            totals[name] = [a + b for a, b in zip(totals[name], (tp, fp, fn))]
            cells.append(f"{tp:>10}{fp:>4}{fn:>5}")
        print(row + " | ".join(cells))
    print("-" * len(header))
    print(f"{'total':16}{len(truth):>6} | " + " | ".join(
        f"{tp:>10}{fp:>4}{fn:>5}" for tp, fp, fn in totals.values()))
    print()
    for name, (found, other, seconds) in tools.items():
        tp, fp, fn = totals[name]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        extra = ", ".join(f"{k}x{v}" for k, v in sorted(other.items())) or "none"
        print(f"{name:7} precision {precision:.2f}  recall {recall:.2f}  wall {seconds:.2f}s "
              f"(median of {args.repeat})  unscored findings: {extra}")
    if args.details:
        for name, (found, _other, _secs) in tools.items():
            for path, line, category in sorted(found - truth):
                print(f"{name} false positive: {path}:{line} {category}")
            for path, line, category in sorted(truth - found):
                print(f"{name} miss:           {path}:{line} {category}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
