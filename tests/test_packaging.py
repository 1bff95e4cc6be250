"""A non-editable install ships every data file the code reads.

The test command installs dpscan editable, where files are read from the checkout; the README's
demo command installs it as a wheel, where only what package-data names is copied. The HTML
report's partials once lived in a subdirectory that "templates/*" does not reach, and the demo
crashed while every test passed. setuptools globs do not cross directories, as fnmatch here.
"""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent


def _covered(path: str, package_data: dict[str, list[str]]) -> bool:
    package, _, inside = path.partition("/")
    for pattern in package_data.get(package, []):
        if len(PurePosixPath(pattern).parts) == len(PurePosixPath(inside).parts) \
                and fnmatch.fnmatchcase(inside, pattern):
            return True
    return False


def test_every_tracked_data_file_is_package_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    tracked = subprocess.run(["git", "ls-files", *package_data], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    data_files = [p for p in tracked if not p.endswith(".py")]
    assert data_files, "no data files found: the test would check nothing"
    missing = [p for p in data_files if not _covered(p, package_data)]
    assert missing == [], f"not shipped by a wheel install: {missing}"
