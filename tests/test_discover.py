"""File discovery on real trees: git repositories, plain directories, symlinks, odd files."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from scanner import discover as discover_module
from scanner.discover import DEFAULT_MAX_SIZE, SourceFile, discover, scan_root
from scanner.finding import SkipRecord

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def write(root: Path, relpath: str, content: str | bytes = "") -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def git_init(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q")
    return repo


def relpaths(files: list[SourceFile]) -> list[str]:
    return [f.relpath for f in files]


def scan(root: Path, *targets: str, **options) -> tuple[list[SourceFile], list[SkipRecord]]:
    return discover([str(root / t) for t in targets] or [str(root)], root=str(root), **options)


# --- ignore files ------------------------------------------------------------------------------

IGNORE_TREE = {
    ".gitignore": "*.log\n/generated/\n*.bak\n",
    "app/models.py": "",
    "app/debug.log": "",
    "generated/schema.sql": "",
    "app/generated/keep.sql": "",  # "/generated/" is anchored to the top
    "sub/.gitignore": "secret*.env\n!secret-template.env\n!restore.bak\n",
    "app/old.bak": "",
    "sub/restore.bak": "",  # the deeper .gitignore re-includes what the top one ignores
    "sub/secret.env": "",
    "sub/secret-template.env": "",
    "sub/nested/secret-prod.env": "",
    "other/secret.env": "",  # the nested rule applies below sub/ only
}
EXPECTED_AFTER_IGNORES = [
    ".gitignore",
    "app/generated/keep.sql",
    "app/models.py",
    "other/secret.env",
    "sub/.gitignore",
    "sub/restore.bak",
    "sub/secret-template.env",
]


def build(root: Path, tree: dict[str, str]) -> Path:
    for relpath, content in tree.items():
        write(root, relpath, content)
    return root


@needs_git
def test_git_repo_honours_nested_gitignore(tmp_path: Path) -> None:
    repo = build(git_init(tmp_path / "repo"), IGNORE_TREE)
    files, _ = scan(repo)
    assert relpaths(files) == EXPECTED_AFTER_IGNORES


def test_outside_git_nested_gitignore_is_honoured_with_pathspec(tmp_path: Path) -> None:
    tree = build(tmp_path / "tree", IGNORE_TREE)
    files, _ = scan(tree)
    assert relpaths(files) == EXPECTED_AFTER_IGNORES


def test_git_missing_falls_back_to_walking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = build(git_init(tmp_path / "repo"), IGNORE_TREE)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin-here"))
    files, skipped = scan(repo)
    assert relpaths(files) == EXPECTED_AFTER_IGNORES
    assert skipped == []  # .git is pruned without a record


@needs_git
def test_git_info_exclude_is_honoured(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    write(repo, "a.py")
    write(repo, "local-notes.md")
    (repo / ".git" / "info" / "exclude").write_text("local-notes.md\n")
    assert relpaths(scan(repo)[0]) == ["a.py"]


@needs_git
def test_git_tracked_files_are_listed_even_if_ignored_and_deleted_ones_are_not(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    write(repo, "forced.log")
    write(repo, "gone.py")
    write(repo, ".gitignore", "*.log\n")
    git(repo, "add", "-f", "forced.log", "gone.py")
    (repo / "gone.py").unlink()
    files, skipped = scan(repo)
    assert relpaths(files) == [".gitignore", "forced.log"]
    assert skipped == []  # no "unreadable" record for a file deleted on purpose


@needs_git
def test_git_subdirectory_target_gives_paths_relative_to_root(tmp_path: Path) -> None:
    repo = build(git_init(tmp_path / "repo"), IGNORE_TREE)
    files, _ = scan(repo, "sub")
    assert relpaths(files) == ["sub/.gitignore", "sub/restore.bak", "sub/secret-template.env"]
    assert files[2].abspath == str(repo / "sub" / "secret-template.env")


@needs_git
def test_git_ignored_file_named_explicitly_is_scanned(tmp_path: Path) -> None:
    repo = build(git_init(tmp_path / "repo"), IGNORE_TREE)
    files, _ = scan(repo, "app/debug.log", "generated")
    assert relpaths(files) == ["app/debug.log", "generated/schema.sql"]


@needs_git
def test_nested_repository_is_listed_with_its_own_ignores(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    inner = git_init(repo / "inner")
    write(inner, ".gitignore", "*.tmp\n")
    write(inner, "code.py")
    write(inner, "scratch.tmp")
    assert relpaths(scan(repo)[0]) == ["inner/.gitignore", "inner/code.py"]


@needs_git
def test_uninitialised_submodule_is_an_empty_directory(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    write(repo, "a.py")
    (repo / "mod").mkdir()
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},mod")
    assert relpaths(scan(repo)[0]) == ["a.py"]
    assert scan(repo, "mod") == ([], [])


# --- default and user excludes -----------------------------------------------------------------

@pytest.mark.parametrize("in_git", [True, False], ids=["git", "walk"])
def test_default_excludes_are_pruned_with_one_record_each(tmp_path: Path, in_git: bool) -> None:
    if in_git and shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = git_init(tmp_path / "repo") if in_git else tmp_path / "tree"
    for relpath in ["app.py", "node_modules/lib/a.js", "node_modules/lib/b.js",
                    "web/node_modules/x.js", "pkg.egg-info/PKG-INFO", "__pycache__/a.pyc",
                    "myenv/pyvenv.cfg", "myenv/lib/site.py", "env/app.py"]:
        write(root, relpath, "x = 1\n")
    files, skipped = scan(root)
    assert relpaths(files) == ["app.py", "env/app.py"]  # "env" alone is not a virtual environment
    assert skipped == [
        SkipRecord("__pycache__", "excluded", "default exclude: __pycache__"),
        SkipRecord("myenv", "excluded", "virtual environment"),
        SkipRecord("node_modules", "excluded", "default exclude: node_modules"),
        SkipRecord("pkg.egg-info", "excluded", "default exclude: pkg.egg-info"),
        SkipRecord("web/node_modules", "excluded", "default exclude: node_modules"),
    ]


@needs_git
def test_default_excludes_apply_even_to_files_git_tracks(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    write(repo, "vendor/lib.go")
    write(repo, "main.go")
    git(repo, "add", ".")
    files, skipped = scan(repo)
    assert relpaths(files) == ["main.go"]
    assert skipped == [SkipRecord("vendor", "excluded", "default exclude: vendor")]


@pytest.mark.parametrize(
    ("globs", "expected_files", "expected_skips"),
    [
        (["tests/"], ["app/a.py", "app/b.min.js", "legacy/old.py"],
         [("app/tests", "--exclude tests/"), ("tests", "--exclude tests/")]),
        (["*.min.js"], ["app/a.py", "app/tests/t.py", "legacy/old.py", "tests/test_a.py"],
         [("app/b.min.js", "--exclude *.min.js")]),
        (["legacy/**"], ["app/a.py", "app/b.min.js", "app/tests/t.py", "tests/test_a.py"],
         [("legacy", "--exclude legacy/**")]),  # the whole directory, one record
        (["/tests/", "*.js"], ["app/a.py", "app/tests/t.py", "legacy/old.py"],
         [("app/b.min.js", "--exclude *.js"), ("tests", "--exclude /tests/")]),
    ],
)
def test_user_excludes_use_gitignore_semantics(
    tmp_path: Path, globs: list[str], expected_files: list[str], expected_skips: list[tuple[str, str]]
) -> None:
    root = tmp_path / "tree"
    for relpath in ["app/a.py", "app/b.min.js", "app/tests/t.py", "tests/test_a.py", "legacy/old.py"]:
        write(root, relpath)
    files, skipped = scan(root, exclude=globs)
    assert relpaths(files) == expected_files
    assert [(s.path, s.detail) for s in skipped] == expected_skips
    assert {s.reason for s in skipped} == {"excluded"}


def test_user_excludes_apply_to_explicitly_named_files(tmp_path: Path) -> None:
    write(tmp_path, "tests/test_a.py")
    write(tmp_path, "app.py")
    files, skipped = scan(tmp_path, "tests/test_a.py", "app.py", exclude=["tests/"])
    assert relpaths(files) == ["app.py"]
    assert skipped == [SkipRecord("tests/test_a.py", "excluded", "--exclude tests/")]


# --- file checks -------------------------------------------------------------------------------

def test_size_cap(tmp_path: Path) -> None:
    write(tmp_path, "big.py", b"# x\n" * 400)
    write(tmp_path, "small.py", b"# x\n")
    files, skipped = scan(tmp_path, max_size=1024)
    assert relpaths(files) == ["small.py"]
    assert skipped == [SkipRecord("big.py", "too-large", "1.6 KiB > 1.0 KiB")]


def test_sql_dumps_over_the_cap_are_kept_for_streaming(tmp_path: Path) -> None:
    write(tmp_path, "dump.sql", b"-- x\n" * 300)
    files, skipped = scan(tmp_path, max_size=1024)
    assert [(f.relpath, f.kind) for f in files] == [("dump.sql", "sql")] and skipped == []


def test_size_detail_in_mib(tmp_path: Path) -> None:
    write(tmp_path, "huge.log", b"x" * int(6.2 * 1024 * 1024))
    _, skipped = scan(tmp_path)
    assert skipped == [SkipRecord("huge.log", "too-large", "6.2 MiB > 5.0 MiB")]
    assert DEFAULT_MAX_SIZE == 5 * 1024 * 1024


def test_binary_files_are_skipped_but_sqlite_databases_are_kept(tmp_path: Path) -> None:
    write(tmp_path, "logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    write(tmp_path, "blob.bin", b"abc\x00def")
    sqlite_header = b"SQLite format 3\x00" + b"\x00" * 84
    write(tmp_path, "data/app.db", sqlite_header + b"\x00" * 900)
    write(tmp_path, "data/huge.sqlite", sqlite_header + b"\x00" * 2000)
    files, skipped = scan(tmp_path, max_size=1024)
    # SQLite databases are read through sqlite3, never loaded whole: the size cap does not apply.
    assert [(f.relpath, f.kind, f.size) for f in files] == [
        ("data/app.db", "sqlite", 1000), ("data/huge.sqlite", "sqlite", 2100)]
    assert skipped == [SkipRecord("blob.bin", "binary"), SkipRecord("logo.png", "binary")]


@pytest.mark.parametrize(
    ("relpath", "content", "kind"),
    [
        ("models.py", "# 身份证号码\nid_card = 1\n".encode("gbk"), "python"),
        ("dump.sql", "CREATE TABLE t (id int);\n".encode("utf-16"), "sql"),
        ("site.conf", b"\xef\xbb\xbfserver {\n  listen 443;\n}\n", "nginx"),
        ("bin/manage", b"#!/usr/bin/env python3\n", "python"),
        ("empty.yaml", b"", "yaml"),
        ("k8s.yaml", b"apiVersion: v1\nkind: Secret\n", "kubernetes"),
    ],
)
def test_kind_is_classified_from_decoded_head(tmp_path: Path, relpath: str, content: bytes, kind: str) -> None:
    write(tmp_path, relpath, content)
    files, skipped = scan(tmp_path)
    assert skipped == []
    assert [(f.relpath, f.kind, f.size) for f in files] == [(relpath, kind, len(content))]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    outside = write(tmp_path, "outside/secret.py", "x = 1\n")
    root = tmp_path / "root"
    write(root, "real.py")
    (root / "link.py").symlink_to(outside)
    (root / "linkdir").symlink_to(outside.parent, target_is_directory=True)
    (root / "dangling.py").symlink_to(root / "missing.py")
    files, skipped = scan(root)
    assert relpaths(files) == ["real.py"]
    assert skipped == [
        SkipRecord("dangling.py", "symlink", "dangling"),
        SkipRecord("link.py", "symlink", "not followed"),
        SkipRecord("linkdir", "symlink", "not followed"),
    ]


@needs_git
def test_symlinks_listed_by_git_are_not_followed(tmp_path: Path) -> None:
    repo = git_init(tmp_path / "repo")
    write(repo, "real.py")
    (repo / "dangling.py").symlink_to("missing.py")
    assert scan(repo)[1] == [SkipRecord("dangling.py", "symlink", "dangling")]


def test_explicit_symlink_target_is_recorded_not_followed(tmp_path: Path) -> None:
    write(tmp_path, "real.py")
    (tmp_path / "link.py").symlink_to(tmp_path / "real.py")
    assert scan(tmp_path, "link.py") == ([], [SkipRecord("link.py", "symlink", "not followed")])


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_and_directory(tmp_path: Path) -> None:
    write(tmp_path, "ok.py")
    locked = write(tmp_path, "locked.py")
    locked_dir = tmp_path / "private"
    write(locked_dir, "inner.py")
    locked.chmod(0)
    locked_dir.chmod(0)
    try:
        files, skipped = scan(tmp_path)
    finally:
        locked.chmod(0o644)
        locked_dir.chmod(0o755)
    assert relpaths(files) == ["ok.py"]
    assert [(s.path, s.reason) for s in skipped] == [("locked.py", "unreadable"), ("private", "unreadable")]


def test_read_errors_skip_only_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs as root too: the failing open() is simulated, the handling is real.
    write(tmp_path, "ok.py")
    write(tmp_path, "locked.py")
    write(tmp_path, "vanishing.py")
    real_open = open

    def failing_open(path, *args, **kwargs):
        name = os.path.basename(str(path))
        if name == "locked.py":
            raise PermissionError(13, "Permission denied", str(path))
        if name == "vanishing.py":
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    files, skipped = scan(tmp_path)
    assert relpaths(files) == ["ok.py"]
    assert skipped == [
        SkipRecord("locked.py", "unreadable", "Permission denied"),
        SkipRecord("vanishing.py", "unreadable", "vanished before it could be read"),
    ]


def test_unlistable_directory_skips_only_that_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "ok.py")
    write(tmp_path, "private/inner.py")
    real_scandir = os.scandir

    def failing_scandir(path="."):
        if os.path.basename(str(path)) == "private":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", failing_scandir)
    files, skipped = scan(tmp_path)
    assert relpaths(files) == ["ok.py"]
    assert skipped == [SkipRecord("private", "unreadable", "Permission denied")]


def test_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.conf"
    os.mkfifo(fifo)
    results: list = []
    worker = threading.Thread(target=lambda: results.append(scan(tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # blocked opening the FIFO: open the other end so the thread can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("discover() blocked on a FIFO")
    assert results == [([], [SkipRecord("pipe.conf", "special-file", "not a regular file")])]


# --- targets, determinism, scan root -----------------------------------------------------------

def test_missing_target_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        discover([str(tmp_path / "nope")], root=str(tmp_path))


@pytest.mark.parametrize("in_git", [True, False], ids=["git", "walk"])
def test_overlapping_targets_give_no_duplicates(tmp_path: Path, in_git: bool) -> None:
    if in_git and shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = git_init(tmp_path / "repo") if in_git else tmp_path / "tree"
    write(root, "dir/a.py")
    write(root, "dir/sub/b.py")
    write(root, "dir/big.txt", "x" * 100)
    files, skipped = scan(root, "dir", "dir/a.py", "dir/sub", ".", "dir/big.txt", max_size=10)
    assert relpaths(files) == ["dir/a.py", "dir/sub/b.py"]
    assert skipped == [SkipRecord("dir/big.txt", "too-large", "100 B > 10 B")]


def test_output_is_sorted_and_repeatable(tmp_path: Path) -> None:
    for name in ["z.py", "a/b.py", "M.py", "a.py", "b.bin", "a.bin"]:
        write(tmp_path, name, b"\x00" if name.endswith(".bin") else b"")
    first = scan(tmp_path)
    assert relpaths(first[0]) == ["M.py", "a.py", "a/b.py", "z.py"]
    assert [s.path for s in first[1]] == ["a.bin", "b.bin"]
    assert scan(tmp_path) == first


@pytest.mark.parametrize(
    ("targets", "cwd", "expected"),
    [
        (["src", "setup.py"], "proj", "proj"),
        (["."], "proj", "proj"),
        ([], "proj", "proj"),
        (["../other/a.py"], "proj", "other"),
        (["../other"], "proj", "other"),
        (["../other/a.py", "../other/lib/b.py"], "proj", "other"),
        (["../other/lib", "src"], "proj", ""),
        (["{tmp}/other/lib/b.py"], "proj", "other/lib"),
    ],
)
def test_scan_root(tmp_path: Path, targets: list[str], cwd: str, expected: str) -> None:
    for relpath in ["proj/src/m.py", "proj/setup.py", "other/a.py", "other/lib/b.py"]:
        write(tmp_path, relpath)
    targets = [t.format(tmp=tmp_path) for t in targets]
    root = scan_root(targets, cwd=str(tmp_path / cwd))
    assert root == os.path.normpath(str(tmp_path / expected))


def test_scan_root_defaults_to_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.py")
    monkeypatch.chdir(tmp_path)
    assert scan_root(["a.py"]) == str(tmp_path)


def test_relative_targets_resolve_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "src/a.py")
    monkeypatch.chdir(tmp_path)
    files, _ = discover(["src"], root=".")
    assert [(f.relpath, f.abspath) for f in files] == [("src/a.py", str(tmp_path / "src" / "a.py"))]


def test_module_constants() -> None:
    assert {"node_modules", ".venv", "__pycache__", "*.egg-info"} <= discover_module.DEFAULT_EXCLUDED_DIRS
    assert "env" not in discover_module.DEFAULT_EXCLUDED_DIRS  # only as a detected venv
