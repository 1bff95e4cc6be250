"""`dpscan hook`: the pre-commit entry point -- terse output, exit codes, baseline, laziness, and a
real `pre-commit run` in a scratch repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli, write

BAD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, verify=False)\n"
GOOD = "import requests\n\n\ndef fetch(url):\n    return requests.get(url, timeout=10)\n"
IGNORED = ("import requests\n\n\ndef fetch(url):\n"
           "    return requests.get(url, verify=False)  # dpscan: ignore[DP201] local stub server\n")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scratch work tree (a .git marker is enough for the repository-root search)."""
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_finding_blocks_with_one_terse_line_and_a_summary(repo):
    write(repo, "app.py", BAD)
    run = run_cli("hook", "app.py", cwd=repo)
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert len(lines) == 2, run.stdout
    assert lines[0].startswith("app.py:5: DP201 [high] ")
    assert "(3.3.3) — fix: " in lines[0]
    fix = lines[0].split(" — fix: ", 1)[1]
    assert fix and "\n" not in fix and fix.count(". ") == 0  # the first sentence only
    assert lines[1] == "dpscan: 1 finding blocks this commit (1 high)"


def test_clean_files_print_nothing(repo):
    write(repo, "app.py", GOOD)
    write(repo, "util.py", "def add(a, b):\n    return a + b\n")
    run = run_cli("hook", "app.py", "util.py", cwd=repo)
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")


def test_no_files_and_only_directories_deleted_or_binary_files_are_clean(repo):
    write(repo, "sub/app.py", BAD)  # inside a directory that is named: not walked
    write(repo, "logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    assert run_cli("hook", cwd=repo).exit_code == 0
    run = run_cli("hook", "sub", "gone.py", "logo.png", cwd=repo)
    assert (run.exit_code, run.stdout) == (0, "")


def test_only_named_files_are_scanned(repo):
    write(repo, "app.py", BAD)
    write(repo, "other.py", GOOD)
    run = run_cli("hook", "other.py", cwd=repo)
    assert (run.exit_code, run.stdout) == (0, "")


def test_suppression_comment_does_not_block(repo):
    write(repo, "app.py", IGNORED)
    run = run_cli("hook", "app.py", cwd=repo)
    assert (run.exit_code, run.stdout) == (0, "")


def test_committed_baseline_at_the_repository_root_is_honoured(repo):
    write(repo, "app.py", BAD)
    made = run_cli("scan", "app.py", "--write-baseline", ".dpscan-baseline.json", "-q", cwd=repo)
    assert made.exit_code == 1
    assert json.loads((repo / ".dpscan-baseline.json").read_text())["findings"]
    assert run_cli("hook", "app.py", cwd=repo).exit_code == 0
    # A new finding in the same file still blocks, and the summary counts the known one.
    write(repo, "app.py", BAD + "\n\ndef post(url):\n    return requests.post(url, verify=False)\n")
    run = run_cli("hook", "app.py", cwd=repo)
    assert run.exit_code == 1
    assert [line.split(":")[1] for line in run.stdout.splitlines()[:-1]] == ["9"]
    assert run.stdout.splitlines()[-1].endswith("; 1 already in baseline .dpscan-baseline.json")


def test_explicit_baseline_option(repo):
    write(repo, "app.py", BAD)
    run_cli("scan", "app.py", "--write-baseline", "known.json", "-q", cwd=repo)
    assert run_cli("hook", "app.py", cwd=repo).exit_code == 1  # not the default name: not found
    assert run_cli("hook", "--baseline", "known.json", "app.py", cwd=repo).exit_code == 0


def test_fail_on_from_config_and_command_line(repo):
    write(repo, "app.py", BAD)
    write(repo, "pyproject.toml", '[tool.dpscan]\nfail-on = "critical"\n')
    run = run_cli("hook", "app.py", cwd=repo)
    assert (run.exit_code, run.stdout) == (0, "")  # a high finding is below the configured threshold
    assert run_cli("hook", "--fail-on", "high", "app.py", cwd=repo).exit_code == 1


def test_config_select_is_honoured(repo):
    write(repo, "app.py", BAD)
    write(repo, ".dpscan.toml", 'ignore = ["DP201"]\n')
    assert run_cli("hook", "app.py", cwd=repo).exit_code == 0


def test_usage_errors_exit_2(repo):
    write(repo, "app.py", BAD)
    assert run_cli("hook", "--fail-on", "bogus", "app.py", cwd=repo).exit_code == 2
    assert run_cli("hook", "--baseline", "missing.json", "app.py", cwd=repo).exit_code == 2
    write(repo, "broken.json", "{not json")
    assert run_cli("hook", "--baseline", "broken.json", "app.py", cwd=repo).exit_code == 2
    write(repo, ".dpscan.toml", 'no-such-key = 1\n')
    assert run_cli("hook", "app.py", cwd=repo).exit_code == 2


def test_first_sentence():
    from reports.hook import first_sentence

    assert first_sentence("Keep it on. Then test it.") == "Keep it on."
    assert first_sentence("Use  verify=True\nalways") == "Use verify=True always"
    assert first_sentence("Set sslmode=verify-full (v1.2 and later).") == "Set sslmode=verify-full (v1.2 and later)."
    assert first_sentence("开启校验。然后测试。") == "开启校验。"


# -- laziness: a hook run on files that hold no data model imports none of the heavy libraries --

_PROBE = textwrap.dedent("""
    import runpy, sys
    sys.argv = ["dpscan", "hook", *sys.argv[1:]]
    try:
        runpy.run_module("scanner", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    print("EXIT", code)
    print("MODULES", " ".join(sorted({m.split(".")[0] for m in sys.modules})))
""")


def _imported(cwd: Path, *files: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", _PROBE, *files], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if line.startswith(("EXIT", "MODULES")))
    assert lines["EXIT"] in ("0", "1"), proc.stdout + proc.stderr
    return set(lines["MODULES"].split())


@pytest.fixture
def non_data_files(repo: Path) -> tuple[Path, list[str]]:
    write(repo, "util.py", "def add(a, b):\n    return a + b\n")
    write(repo, "nginx.conf", "server {\n    listen 80;\n    location / { root /srv/www; }\n}\n")
    write(repo, ".env", "DEBUG=1\nLOG_LEVEL=info\n")
    write(repo, "main.tf", 'variable "region" {\n  default = "eu-west-1"\n}\n')
    return repo, ["util.py", "nginx.conf", ".env", "main.tf"]


def test_hook_on_non_data_files_does_not_import_nlp_or_sql(non_data_files):
    cwd, files = non_data_files
    modules = _imported(cwd, *files)
    assert "scanner" in modules  # the probe really ran dpscan
    assert "presidio_analyzer" not in modules
    assert "spacy" not in modules
    assert "sqlglot" not in modules  # no .sql file staged


def test_sql_file_does_import_sqlglot(repo):
    """The probe can see a heavy import when one is due (guards the negative tests above)."""
    write(repo, "schema.sql", "CREATE TABLE t (id int);\n")
    assert "sqlglot" in _imported(repo, "schema.sql")


def test_python_file_without_rule_tokens_does_not_import_libcst(non_data_files):
    cwd, files = non_data_files
    assert "libcst" not in _imported(cwd, *files)


# -- a real pre-commit run in a scratch git repository -------------------------------------------


def _dpscan_executable() -> str | None:
    beside = Path(sys.executable).parent / "dpscan"
    return str(beside) if beside.exists() else shutil.which("dpscan")


def _pre_commit_executable() -> str | None:
    beside = Path(sys.executable).parent / "pre-commit"
    return str(beside) if beside.exists() else shutil.which("pre-commit")


@pytest.mark.skipif(_pre_commit_executable() is None,
                    reason="the pre-commit executable is not installed (pip install -e '.[test]')")
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(_dpscan_executable() is None, reason="the dpscan console script is not installed")
def test_real_pre_commit_run(tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=work, env=env, check=True, capture_output=True)

    def pre_commit() -> subprocess.CompletedProcess[str]:
        return subprocess.run([_pre_commit_executable(), "run", "--files", "app.py"], cwd=work,
                              env=env, capture_output=True, text=True, timeout=300)

    git("init", "-q")
    (work / ".pre-commit-config.yaml").write_text(textwrap.dedent(f"""\
        repos:
          - repo: local
            hooks:
              - id: dpscan
                name: dpscan
                entry: {_dpscan_executable()} hook
                language: system
        """))
    (work / "app.py").write_text(BAD)
    git("add", ".pre-commit-config.yaml", "app.py")

    failed = pre_commit()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "app.py:5: DP201 [high]" in failed.stdout

    (work / "app.py").write_text(GOOD)
    git("add", "app.py")
    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    assert "DP201" not in passed.stdout
