"""Shared helpers: scan a snippet through the real engine, run the real CLI, validate results."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.engine import check_text
from scanner.kinds import classify
from scanner.registry import default_registry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_result_cache(tmp_path_factory):
    """Every CLI run in the tests caches into a throw-away directory, never the user's ~/.cache.

    Set in os.environ, not by monkeypatch, so subprocesses (`dpscan` run as a program) inherit it.
    """
    old = os.environ.get("DPSCAN_CACHE_DIR")
    os.environ["DPSCAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("dpscan-cache"))
    yield
    if old is None:
        os.environ.pop("DPSCAN_CACHE_DIR", None)
    else:
        os.environ["DPSCAN_CACHE_DIR"] = old


def scan_snippet(source: str, path: str = "snippet.py", rules: Iterable[str] | None = None,
                 inline_ignores: bool = True):
    """Run rules over an in-memory input exactly as the engine runs them over a file."""
    registry = default_registry()
    chosen = [registry.get(r)() for r in rules] if rules else [r() for r in registry.all()]
    return check_text(source, path=path, kind=classify(path, source[:8192]), rules=chosen,
                      inline_ignores=inline_ignores)


class Run:
    def __init__(self, result) -> None:
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception

    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    """Invoke `dpscan ARGS` in-process, from ``cwd``, the way main() does."""
    runner = CliRunner()
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(cli, list(args), obj={"argv": list(args)}, catch_exceptions=False)
    finally:
        os.chdir(old)
    return Run(result)


@pytest.fixture
def validate_result():
    """Validate a JSON result against the schema shipped in the package."""
    from jsonschema import Draft202012Validator

    from reports.schema import load_result_schema

    validator = Draft202012Validator(load_result_schema())

    def check(data: dict) -> dict:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
        return data

    return check


def write(root: Path, relpath: str, content: str | bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# Hypothesis profiles, chosen with HYPOTHESIS_PROFILE (default "dev"). "ci" derandomizes: every CI
# run draws the same examples, so a red build is reproducible from its log and a green one does not
# turn red from a lucky draw on an unrelated change; new inputs are explored by developers' local
# runs (random, with the example database replaying past failures). No deadline in either: the
# shared machines are noisy and a slow example is not a failure. (Tests set their own max_examples.)
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("dev", deadline=None)
_hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None,
                                      print_blob=True)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
