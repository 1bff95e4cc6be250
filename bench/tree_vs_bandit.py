"""A whole source tree: `dpscan scan` (every rule) against Bandit, then dpscan's warm result cache.

What: the Django sdist (pinned below) is fetched at benchmark time with pip into a cache
directory -- never committed -- and extracted once; or --tree reuses any extracted tree. Then,
interleaved for --repeat rounds (the order alternates each round):

    dpscan scan TREE --format json -o /dev/null [--no-cache]   (every rule, default --jobs)
    bandit -q -r TREE -f json -o /dev/null

and the medians and the median per-round ratio dpscan/Bandit are printed (target <= 0.5). dpscan
gets --no-cache in these runs when its `scan` has the option (detected at run time), so every
round does the full analysis. Then the result cache: one cold run with a fresh DPSCAN_CACHE_DIR
(it fills the cache) and one warm run reusing it; target warm <= 10% of cold. Without a result
cache in this dpscan (no --no-cache option) the warm figure is reported as n/a.

dpscan runs from this checkout (python -m scanner); Bandit is a measuring tool, not a dpscan
dependency (pip install bandit). The machine is shared: figures are noisy. A full Django run
takes minutes per round: try --tree on a subtree first, e.g.
--tree /tmp/djb/django-5.2.19/django/contrib/auth.

    python bench/tree_vs_bandit.py [--tree DIR] [--django-version 5.2.19] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DJANGO_VERSION = "5.2.19"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dpscan-bench"


def fetch_django(version: str = DJANGO_VERSION, log=print) -> Path:
    """The extracted sdist of Django ``version``, downloaded with pip on first use."""
    root = cache_root()
    tree = root / f"django-{version}"
    if (tree / "django").is_dir():
        return tree
    root.mkdir(parents=True, exist_ok=True)
    archive = root / f"django-{version}.tar.gz"
    if not archive.exists():
        log(f"downloading the Django {version} sdist with pip into {root} ...")
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "--dest", str(root), f"django=={version}"], check=True)
        found = [p for p in root.glob("*.tar.gz") if p.name.lower() == archive.name.lower()]
        if not found:
            raise RuntimeError(f"pip did not leave {archive.name} in {root}")
        archive = found[0]
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    extracted = [p for p in root.iterdir() if p.is_dir() and p.name.lower() == tree.name.lower()]
    if not extracted:
        raise RuntimeError(f"{archive} did not extract to {tree}")
    return extracted[0]


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def _dpscan_cmd() -> list[str]:
    return [sys.executable, "-m", "scanner"]


def _env(cache_dir: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "DPSCAN_CACHE_DIR": cache_dir}


def has_no_cache(env: dict) -> bool:
    out = subprocess.run([*_dpscan_cmd(), "scan", "--help"], capture_output=True, text=True, env=env, cwd=REPO)
    return "--no-cache" in out.stdout


def _run(cmd: list[str], env: dict, what: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: findings (both tools)
        raise RuntimeError(f"{what} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return elapsed


def measure(tree: Path, repeat: int = 3, warm: bool = True, log=print) -> dict:
    bandit = _tool("bandit")
    if bandit is None:
        raise RuntimeError("bandit is not installed (pip install bandit): it is the anchor of this benchmark")
    with tempfile.TemporaryDirectory(prefix="dpscan-tree-bench-") as tmp:
        env = _env(os.path.join(tmp, "throwaway-cache"))
        no_cache = has_no_cache(env)
        dpscan = [*_dpscan_cmd(), "scan", str(tree), "--format", "json", "-o", os.devnull,
                  *(["--no-cache"] if no_cache else [])]
        band = [bandit, "-q", "-r", str(tree), "-f", "json", "-o", os.devnull]
        d_times, b_times = [], []
        for r in range(repeat):
            for name in (("dpscan", "bandit") if r % 2 == 0 else ("bandit", "dpscan")):
                if name == "dpscan":
                    d_times.append(_run(dpscan, env, "dpscan"))
                else:
                    b_times.append(_run(band, env, "bandit"))
            log(f"  round {r + 1}/{repeat}: dpscan {d_times[-1]:.1f} s, bandit {b_times[-1]:.1f} s")
        cold = hot = None
        if warm and no_cache:
            cached = [*_dpscan_cmd(), "scan", str(tree), "--format", "json", "-o", os.devnull]
            cache_env = _env(os.path.join(tmp, "result-cache"))
            cold = _run(cached, cache_env, "dpscan (cold cache)")
            hot = _run(cached, cache_env, "dpscan (warm cache)")
            log(f"  result cache: cold {cold:.1f} s, warm {hot:.1f} s")
    return {
        "tree": str(tree), "repeat": repeat, "no_cache_option": no_cache,
        "files": sum(1 for _ in tree.rglob("*.py")),
        "dpscan_s": statistics.median(d_times), "bandit_s": statistics.median(b_times),
        "ratio": statistics.median(d / b for d, b in zip(d_times, b_times)),
        "cold_s": cold, "warm_s": hot, "warm_fraction": (hot / cold) if cold and hot is not None else None,
    }


def report(fig: dict) -> None:
    print(f"{fig['tree']} ({fig['files']} .py files), {fig['repeat']} interleaved rounds, medians "
          "(shared machine: noisy)")
    flag = " --no-cache" if fig["no_cache_option"] else ""
    print(f"  {'dpscan scan (every rule)' + flag:40} {fig['dpscan_s']:8.1f} s")
    print(f"  {'bandit -r':40} {fig['bandit_s']:8.1f} s")
    print(f"  {'median ratio dpscan/bandit':40} {fig['ratio']:8.2f}   (target <= 0.5)")
    if fig["warm_fraction"] is None:
        print("  result cache: n/a (this dpscan has no --no-cache option, so no result cache)")
    else:
        print(f"  {'result cache cold / warm':40} {fig['cold_s']:8.1f} s / {fig['warm_s']:.1f} s = "
              f"{100 * fig['warm_fraction']:.1f}% (target <= 10%)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="an extracted source tree (default: download Django)")
    parser.add_argument("--django-version", default=DJANGO_VERSION)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-warm", action="store_true", help="skip the result-cache runs")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line too")
    args = parser.parse_args(argv)
    tree = args.tree.resolve() if args.tree else fetch_django(args.django_version)
    fig = measure(tree, args.repeat, warm=not args.no_warm)
    report(fig)
    if args.json:
        print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
