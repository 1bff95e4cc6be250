"""The result cache (scanner/cache.py): a warm run reuses per-input outcomes, gives the same result,
re-analyses only what changed, and never trusts an entry it cannot read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import scanner.engine
from scanner import cache as result_cache
from tests.conftest import REPO, run_cli, write

# Config files and a dump, not Python: they exercise parsers, rules, inline data and masking alike.
NGINX = "server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n}\n"
NGINX_FIXED = NGINX.replace("TLSv1 TLSv1.1 TLSv1.2", "TLSv1.2 TLSv1.3")
HBA = "hostssl orders app 10.0.0.0/16 md5\n"
PASSWORD = "Zq8-unique-Pa55word-7731"
DOTENV = (f"DATABASE_URL=postgresql://app:{PASSWORD}@db.internal/shop?sslmode=disable\n"
          f"SECRET_PASSWORD={PASSWORD}\n")
PHONE = "13912345678"
DUMP = (
    "CREATE TABLE customers (id integer PRIMARY KEY, mobile_phone varchar(20), id_card varchar(18));\n"
    f"INSERT INTO customers VALUES (1, '{PHONE}', '110101199003071234');\n"
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("DPSCAN_CACHE_DIR", str(where))
    return where


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    write(root, "edge/nginx.conf", NGINX)
    write(root, "conf/pg_hba.conf", HBA)
    write(root, "shop/.env", DOTENV)
    write(root, "db/schema.sql", DUMP)
    return root


@pytest.fixture
def builds(monkeypatch) -> Counter:
    """Counts the models the engine builds, by input path (in-process runs, --jobs 1)."""
    counter: Counter = Counter()
    real = scanner.engine.build_model

    def counting(model, source):
        counter[source.path] += 1
        return real(model, source)

    monkeypatch.setattr(scanner.engine, "build_model", counting)
    return counter


def scan(root: Path, *args: str):
    run = run_cli("scan", ".", "--format", "json", "--jobs", "1", *args, cwd=root)
    assert run.exit_code in (0, 1), run.stderr
    return run.json()


def comparable(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    for stamp in ("started_at", "finished_at"):
        data["scan"].pop(stamp)
    return data


def entries(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*.json") if not p.name.startswith(".tmp-"))


def test_warm_run_gives_the_same_result_without_building_a_model(tree, cache_dir, builds):
    cold = scan(tree)
    assert builds, "the cold run parses"
    assert {f["rule_id"] for f in cold["findings"]} >= {"DP220", "DP422", "DP433", "DP101"}
    assert len(entries(cache_dir)) == len(cold["scan"]["inputs"]) == 4
    builds.clear()
    warm = scan(tree)
    assert not builds, f"warm run parsed {dict(builds)}"
    assert comparable(warm) == comparable(cold)


def test_editing_one_file_rescans_only_that_file(tree, cache_dir, builds):
    cold = scan(tree)
    builds.clear()
    write(tree, "edge/nginx.conf", NGINX_FIXED)
    warm = scan(tree)
    assert set(builds) == {"edge/nginx.conf"}
    assert "DP220" not in {f["rule_id"] for f in warm["findings"]}
    others = [f for f in cold["findings"] if f["location"]["path"] != "edge/nginx.conf"]
    assert [f for f in warm["findings"] if f["location"]["path"] != "edge/nginx.conf"] == others


def test_renaming_a_file_is_a_new_entry_because_findings_carry_the_path(tree, cache_dir, builds):
    scan(tree)
    builds.clear()
    (tree / "edge").rename(tree / "proxy")
    warm = scan(tree)
    assert set(builds) == {"proxy/nginx.conf"}
    assert any(f["location"]["path"] == "proxy/nginx.conf" for f in warm["findings"])


def test_rule_selection_and_rule_options_invalidate(tree, cache_dir, builds):
    scan(tree)
    builds.clear()
    narrowed = scan(tree, "--select", "DP220,DP422")
    assert builds, "another rule set is another key"
    assert {f["rule_id"] for f in narrowed["findings"]} == {"DP220", "DP422"}

    write(tree, ".dpscan.toml", "[options.DP422]\nserver_version = 9\n")
    builds.clear()
    older = scan(tree, "--select", "DP220,DP422")
    assert "conf/pg_hba.conf" in builds, "a rule option changes the key"
    assert {f["rule_id"] for f in older["findings"]} == {"DP220"}


def test_whole_scan_decisions_are_recomputed_from_cached_outcomes(tree, cache_dir, builds):
    """Severity overrides, path overrides and the baseline are applied after the cache: changing
    them reuses every entry and still changes the result."""
    cold = scan(tree)
    builds.clear()
    write(tree, ".dpscan.toml", '[severity]\nDP220 = "critical"\n\n'
                                '[[overrides]]\npaths = ["conf/**"]\nignore = ["DP422"]\nreason = "lab"\n')
    warm = scan(tree)
    assert not builds
    by_rule = {f["rule_id"]: f for f in warm["findings"]}
    assert by_rule["DP220"]["severity"] == "critical"
    assert by_rule["DP422"]["suppressed"] is True
    def counted(data):  # clause statuses count active findings only
        return next(c for c in data["clauses"] if c["id"] == "3.3.5")["findings"]

    assert counted(warm) == counted(cold) - 1


def test_no_cache_neither_reads_nor_writes(tree, cache_dir, builds):
    scan(tree, "--no-cache")
    assert not cache_dir.exists()
    scan(tree)  # fill it
    before = {p: p.stat().st_mtime_ns for p in entries(cache_dir)}
    builds.clear()
    scan(tree, "--no-cache")
    assert builds, "--no-cache analyses every input again"
    assert {p: p.stat().st_mtime_ns for p in entries(cache_dir)} == before


def test_config_cache_false_turns_it_off(tree, cache_dir):
    write(tree, ".dpscan.toml", "cache = false\n")
    scan(tree)
    assert not cache_dir.exists()


def test_corrupt_entries_are_ignored_and_rewritten(tree, cache_dir, builds):
    cold = scan(tree)
    damaged = entries(cache_dir)
    damaged[0].write_text("{not json", encoding="utf-8")
    damaged[1].write_bytes(b"\xff\xfe\x00garbage")
    shape = json.loads(damaged[2].read_text(encoding="utf-8"))
    shape["outcome"]["findings"] = [{"rule_id": "DP999"}]  # valid JSON, wrong shape
    damaged[2].write_text(json.dumps(shape), encoding="utf-8")
    foreign = json.loads(damaged[3].read_text(encoding="utf-8"))
    foreign["dpscan"]["cache"] = 0  # an older format
    damaged[3].write_text(json.dumps(foreign), encoding="utf-8")
    builds.clear()
    warm = scan(tree)
    assert len(builds) == 4
    assert comparable(warm) == comparable(cold)
    builds.clear()
    assert comparable(scan(tree)) == comparable(cold)
    assert not builds, "the bad entries were replaced by good ones"


def test_an_unwritable_cache_does_not_fail_the_scan(tree, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    monkeypatch.setenv("DPSCAN_CACHE_DIR", str(blocker / "cache"))
    assert scan(tree)["findings"]


def test_entries_hold_no_raw_secret_or_personal_value(tree, cache_dir):
    data = scan(tree)
    assert any(f["location"]["path"] == "shop/.env" for f in data["findings"])
    assert data["inventory"], "the dump's personal columns are classified"
    stored = "".join(p.read_text(encoding="utf-8") for p in entries(cache_dir))
    for raw in (PASSWORD, PHONE, "110101199003071234"):
        assert raw not in stored


def test_hook_uses_the_cache(tmp_path, cache_dir, builds):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "nginx.conf", NGINX)
    first = run_cli("hook", "nginx.conf", cwd=tmp_path)
    assert first.exit_code == 1 and builds
    builds.clear()
    second = run_cli("hook", "nginx.conf", cwd=tmp_path)
    assert not builds
    assert (second.exit_code, second.stdout) == (first.exit_code, first.stdout)
    builds.clear()
    run_cli("hook", "--no-cache", "nginx.conf", cwd=tmp_path)
    assert builds


def test_cache_clear_and_dir_commands(tree, cache_dir):
    scan(tree)
    assert run_cli("cache", "dir").stdout.strip() == str(cache_dir)
    assert run_cli("cache", "clear").exit_code == 0
    assert not cache_dir.exists()


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("DPSCAN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert result_cache.default_cache_dir() == tmp_path / "xdg" / "dpscan"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert result_cache.default_cache_dir() == tmp_path / "home" / ".cache" / "dpscan"
    monkeypatch.setenv("DPSCAN_CACHE_DIR", str(tmp_path / "mine"))
    assert result_cache.default_cache_dir() == tmp_path / "mine"


def test_directories_of_old_code_are_retired(tree, cache_dir):
    stale = cache_dir / f"v{result_cache.FORMAT}" / ("0" * 24)
    stale.mkdir(parents=True)
    recent = cache_dir / f"v{result_cache.FORMAT}" / ("1" * 24)
    recent.mkdir()
    month_ago = time.time() - result_cache.STALE_AFTER - 60
    os.utime(stale, (month_ago, month_ago))
    scan(tree)
    assert not stale.exists() and recent.exists()


def test_transient_errors_are_not_stored():
    from scanner.engine import InputOutcome
    from scanner.finding import ErrorRecord

    assert result_cache._repeatable(InputOutcome(errors=[ErrorRecord("a.sql", "cannot parse as schema: x")]))
    assert not result_cache._repeatable(InputOutcome(errors=[ErrorRecord("a.py", "cannot read: Permission denied")]))
    assert not result_cache._repeatable(InputOutcome(errors=[ErrorRecord("a.py", "analysis timed out after 30 s")]))


def _dpscan(root: Path, cache: Path, *args: str) -> subprocess.Popen:
    """`dpscan --log-level info scan . --format json ARGS` as a program (the cache line is logged)."""
    env = {**os.environ, "DPSCAN_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "scanner", "--log-level", "info", "scan", ".", "--format", "json", *args],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_worker_processes_and_concurrent_runs_share_the_cache(tmp_path):
    """--jobs 2 (a fork pool above the parallel threshold) cold, two processes at once warm."""
    root, cache = tmp_path / "tree", tmp_path / "cache"
    for index in range(30):  # above the engine's parallel threshold
        write(root, f"pkg/m{index:02}/nginx.conf", NGINX if index % 3 == 0 else NGINX_FIXED)
    cold = _dpscan(root, cache, "--jobs", "2")
    out, err = cold.communicate(timeout=300)
    assert cold.returncode == 1, err
    assert len(entries(cache)) == 30
    both = [_dpscan(root, cache, "--jobs", "2") for _ in range(2)]
    results = [proc.communicate(timeout=300) for proc in both]
    for proc, (warm_out, warm_err) in zip(both, results):
        assert proc.returncode == 1, warm_err
        assert "cache: 30 input(s) reused, 0 scanned" in warm_err
        warm = comparable(json.loads(warm_out))
        expected = comparable(json.loads(out))
        warm["scan"].pop("command"), expected["scan"].pop("command")
        assert warm == expected


def test_two_cold_processes_write_concurrently_without_damage(tmp_path):
    root, cache = tmp_path / "tree", tmp_path / "cache"
    for index in range(30):
        write(root, f"pkg/m{index:02}/nginx.conf", NGINX if index % 2 else NGINX_FIXED)
    both = [_dpscan(root, cache, "--jobs", "1") for _ in range(2)]
    outputs = [proc.communicate(timeout=300) for proc in both]
    assert [proc.returncode for proc in both] == [1, 1], [err for _, err in outputs]
    assert not list(cache.rglob(".tmp-*"))
    for entry in entries(cache):
        json.loads(entry.read_text(encoding="utf-8"))  # every entry whole
    warm = _dpscan(root, cache, "--jobs", "1")
    _, err = warm.communicate(timeout=300)
    assert "cache: 30 input(s) reused" in err


def test_streamed_inputs_are_keyed_by_their_stat_not_their_bytes(tree, cache_dir, builds):
    """A dump over max-file-size is read as a stream; hashing gigabytes on every run would cost
    much of what the cache saves, so size, mtime, inode and device stand in for its content."""
    args = ("--max-file-size", "100")  # the dump (about 170 bytes) is streamed, the rest skipped
    cold = scan(tree, *args)
    assert "db/schema.sql" in builds
    builds.clear()
    assert comparable(scan(tree, *args)) == comparable(cold) and not builds
    dump = tree / "db" / "schema.sql"
    later = dump.stat().st_mtime_ns + 5_000_000_000
    os.utime(dump, ns=(later, later))
    builds.clear()
    scan(tree, *args)
    assert set(builds) == {"db/schema.sql"}


def test_a_cache_inside_the_scanned_tree_is_not_scanned(tree, monkeypatch):
    """Entries quote masked findings; they announce themselves as dpscan output and are skipped."""
    monkeypatch.setenv("DPSCAN_CACHE_DIR", str(tree / ".cache" / "dpscan"))
    cold = scan(tree)
    warm = scan(tree)
    assert warm["findings"] == cold["findings"]
    assert {s["reason"] for s in warm["scan"]["skipped"] if s["path"].startswith(".cache/")} <= {"dpscan-output"}
