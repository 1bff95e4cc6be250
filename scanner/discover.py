"""File discovery: which files under the scan targets are read, with which kind, and why others
are not.

Inside a git work tree git itself lists the files, so every nested .gitignore, .git/info/exclude
and the user's global excludes are honoured exactly as git honours them. Outside git the tree is
walked and .gitignore files found in it are applied with pathspec. Whatever the source, vendored
and generated directories are pruned and every file is size-, symlink- and binary-checked; each
file left out gets a SkipRecord so that the report can say what was not scanned.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

import pathspec

from scanner.finding import SkipRecord
from scanner.kinds import classify, classify_binary
from scanner.textio import BINARY_SNIFF_SIZE, decode_bytes, is_binary

DEFAULT_MAX_SIZE = 5 * 1024 * 1024
DEFAULT_EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn",
    "node_modules", "bower_components",
    "vendor",  # Go modules, PHP Composer, Ruby bundler: third-party code, not the project's own
    ".venv", "venv",  # any other virtual environment is recognised by its pyvenv.cfg
    "site-packages", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".eggs", "*.egg-info",
    "build", "dist",
    "target",  # Maven/Cargo output: copies of resources would report every finding twice
    ".terraform",  # downloaded provider plugins and third-party modules
    ".gradle",
})
VENV_MARKER = "pyvenv.cfg"
# Version-control metadata is pruned without a record: git never lists it, so recording it only
# when git is unavailable would make the report depend on the machine that ran the scan.
SILENT_EXCLUDED_DIRS = frozenset({".git", ".hg", ".svn"})

# A caller running inside a git hook may export these for its own repository; discovery must
# describe the repository the target lives in, so git is left to find it from the directory.
_GIT_LOCATION_VARS = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"})
_MIB = 1024 * 1024
# Kinds whose parsers read a stream in bounded memory: a multi-GB SQL dump is the nightly job's
# normal input, so the size cap does not apply to them (the engine streams them instead).
STREAMED_KINDS = frozenset({"sql", "sqlite"})


@dataclass(frozen=True, slots=True)
class SourceFile:
    abspath: str
    relpath: str  # relative to the scan root, "/"-separated
    kind: str
    size: int


def scan_root(targets: Sequence[str], cwd: str | None = None) -> str:
    """``cwd`` if every target lies under it, else the deepest directory holding all targets."""
    base = os.path.abspath(cwd or os.getcwd())
    paths = [os.path.normpath(os.path.join(base, target)) for target in targets]
    if all(os.path.commonpath([path, base]) == base for path in paths):
        return base
    anchors = [p if os.path.isdir(p) and not os.path.islink(p) else os.path.dirname(p) for p in paths]
    return os.path.commonpath(anchors)


def discover(
    targets: Sequence[str],
    *,
    root: str,
    exclude: Sequence[str] = (),
    max_size: int = DEFAULT_MAX_SIZE,
) -> tuple[list[SourceFile], list[SkipRecord]]:
    """The files to scan under ``targets`` and the records of those left out, both sorted.

    Raises FileNotFoundError for a missing target; a problem with one file only skips that file.
    """
    paths = [os.path.abspath(target) for target in targets]
    for target, path in zip(targets, paths):
        if not os.path.lexists(path):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), target)
    discovery = _Discovery(os.path.abspath(root), exclude, max_size)
    for path in paths:
        discovery.add_target(path)
    files = sorted(discovery.files.values(), key=lambda f: f.relpath)
    skipped = sorted(discovery.skipped, key=lambda s: (s.path, s.reason, s.detail))
    return files, skipped


class _Discovery:
    def __init__(self, root: str, exclude: Sequence[str], max_size: int) -> None:
        self.root = root
        self.max_size = max_size
        # Blank globs are dropped so that a pattern's index in the spec is its index here.
        self.exclude_globs = [glob for glob in exclude if glob.strip()]
        self.exclude_spec = pathspec.GitIgnoreSpec.from_lines(self.exclude_globs)
        self.files: dict[str, SourceFile] = {}
        self.skipped: set[SkipRecord] = set()
        self._dir_verdicts: dict[str, SkipRecord | None] = {}

    def rel(self, path: str) -> str:
        # Most paths were joined onto the root by this walk: slicing is exact for them and far
        # cheaper than os.path.relpath (a quarter of a warm, cached rescan's discovery time).
        prefix = self.root.rstrip(os.sep) + os.sep
        if path.startswith(prefix) and os.sep + "." not in path[len(prefix) - 1:]:
            return path[len(prefix):].replace(os.sep, "/")
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def add_target(self, path: str) -> None:
        # A named target is never dropped by a default exclude or a .gitignore (the user asked
        # for it), but the user's own --exclude still applies: pre-commit names every file.
        rel = self.rel(path)
        if os.path.islink(path):
            self.consider_file(path)  # records the symlink
        elif os.path.isdir(path):
            glob = self.excluding_glob(rel + "/") if rel != "." else None
            if glob is not None:
                self.skipped.add(SkipRecord(rel, "excluded", f"--exclude {glob}"))
            else:
                self.list_directory(path)
        else:
            self.consider_file(path)

    def list_directory(self, directory: str) -> None:
        listed = _git_ls_files(directory)
        if listed is None:
            self.walk(directory)
            return
        for entry in listed:
            full = os.path.normpath(os.path.join(directory, entry))
            if full == directory:
                continue  # "./": git's entry for an uninitialised submodule, listed from inside it
            if not os.path.lexists(full):
                continue  # in git's index but deleted from the work tree
            is_dir = os.path.isdir(full) and not os.path.islink(full)
            # git lists files, not directories: each directory on the way is judged (and
            # recorded) once, thanks to the verdict cache.
            parts = os.path.relpath(full, directory).split(os.sep)
            subdirs = (os.path.join(directory, *parts[:n]) for n in range(1, len(parts) + is_dir))
            if any(self.pruned(subdir) for subdir in subdirs):
                continue
            if is_dir:
                self.list_directory(full)  # a submodule or a nested repository
            else:
                self.consider_file(full)

    def walk(self, top: str) -> None:
        ignores: dict[str, list[tuple[str, pathspec.GitIgnoreSpec]]] = {}

        def on_error(error: OSError) -> None:
            where = self.rel(error.filename) if error.filename else self.rel(top)
            self.skipped.add(SkipRecord(where, "unreadable", error.strerror or str(error)))

        for dirpath, dirnames, filenames in os.walk(top, onerror=on_error, followlinks=False):
            specs = [] if dirpath == top else ignores[os.path.dirname(dirpath)]
            own = _load_gitignore(dirpath)
            if own is not None:
                specs = [*specs, (dirpath, own)]
            ignores[dirpath] = specs
            dirnames[:] = [
                name for name in dirnames
                if name not in SILENT_EXCLUDED_DIRS
                and not _gitignored(specs, os.path.join(dirpath, name), is_dir=True)
                and not self.pruned(os.path.join(dirpath, name))
            ]
            for name in filenames:
                full = os.path.join(dirpath, name)
                if not _gitignored(specs, full, is_dir=False):
                    self.consider_file(full)

    def pruned(self, directory: str) -> bool:
        """Whether a directory found below a target is left out; records why."""
        if directory not in self._dir_verdicts:
            self._dir_verdicts[directory] = self._judge_directory(directory)
        verdict = self._dir_verdicts[directory]
        if verdict is not None:
            self.skipped.add(verdict)
        return verdict is not None

    def _judge_directory(self, directory: str) -> SkipRecord | None:
        rel, name = self.rel(directory), os.path.basename(directory)
        if os.path.islink(directory):
            return SkipRecord(rel, "symlink", "not followed")
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in DEFAULT_EXCLUDED_DIRS):
            return SkipRecord(rel, "excluded", f"default exclude: {name}")
        if os.path.isfile(os.path.join(directory, VENV_MARKER)):
            return SkipRecord(rel, "excluded", "virtual environment")
        glob = self.excluding_glob(rel + "/")
        if glob is not None:
            return SkipRecord(rel, "excluded", f"--exclude {glob}")
        return None

    def excluding_glob(self, rel: str) -> str | None:
        result = self.exclude_spec.check_file(rel)
        return self.exclude_globs[result.index] if result.include else None

    def consider_file(self, full: str) -> None:
        rel = self.rel(full)
        glob = self.excluding_glob(rel)
        if glob is not None:
            self.skipped.add(SkipRecord(rel, "excluded", f"--exclude {glob}"))
            return
        outcome = _inspect_file(full, rel, self.max_size)
        if isinstance(outcome, SourceFile):
            self.files[rel] = outcome
        else:
            self.skipped.add(outcome)


def _inspect_file(full: str, rel: str, max_size: int) -> SourceFile | SkipRecord:
    try:
        info = os.lstat(full)
        if stat.S_ISLNK(info.st_mode):
            return SkipRecord(rel, "symlink", _link_detail(full))
        if not stat.S_ISREG(info.st_mode):
            # FIFOs, sockets and devices: reading one could block the scan forever.
            return SkipRecord(rel, "special-file", "not a regular file")
        with open(full, "rb") as handle:
            head = handle.read(BINARY_SNIFF_SIZE)
    except FileNotFoundError:
        return SkipRecord(rel, "unreadable", "vanished before it could be read")
    except OSError as error:
        return SkipRecord(rel, "unreadable", error.strerror or str(error))
    kind = classify_binary(rel, head)
    if kind is None:
        if is_binary(head):
            return SkipRecord(rel, "binary")
        kind = classify(rel, decode_bytes(head, partial=info.st_size > len(head)).text)
    if info.st_size > max_size and kind not in STREAMED_KINDS:
        return SkipRecord(rel, "too-large", f"{_human_size(info.st_size)} > {_human_size(max_size)}")
    return SourceFile(full, rel, kind, info.st_size)


def _link_detail(link: str) -> str:
    """Why a symlink was left out: never followed; "dangling" and "loop" say it is also broken."""
    try:
        os.stat(link)
    except OSError as error:
        # os.path.exists() is False for both; the report should tell a loop from a missing target.
        return "loop" if error.errno == errno.ELOOP else "dangling"
    return "not followed"


def _git_ls_files(directory: str) -> list[str] | None:
    """Paths under ``directory`` (relative to it) that git would track, or None outside git."""
    listed = _run_git(directory, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    if listed is None or listed.returncode != 0:
        return None
    # A directory that is itself git-ignored lists (almost) nothing; since the user named it,
    # it is walked like a tree outside git, as a named git-ignored file is still read.
    ignored = _run_git(directory, "check-ignore", "-q", ".")
    if ignored is not None and ignored.returncode == 0:
        return None
    return [os.fsdecode(entry) for entry in listed.stdout.split(b"\0") if entry]


def _run_git(directory: str, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    env = {key: value for key, value in os.environ.items() if key not in _GIT_LOCATION_VARS}
    try:
        return subprocess.run(["git", *args], cwd=directory, env=env, capture_output=True, check=False)
    except OSError:  # git not installed, or the directory vanished
        return None


def _load_gitignore(directory: str) -> pathspec.GitIgnoreSpec | None:
    path = os.path.join(directory, ".gitignore")
    if os.path.islink(path) or not os.path.isfile(path):
        return None  # git does not follow a symlinked .gitignore either
    try:
        with open(path, "rb") as handle:
            lines = decode_bytes(handle.read()).text.splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _gitignored(specs: list[tuple[str, pathspec.GitIgnoreSpec]], full: str, *, is_dir: bool) -> bool:
    # The deepest .gitignore with a matching pattern decides, so a nested "!keep" re-includes.
    for base, spec in reversed(specs):
        relative = os.path.relpath(full, base).replace(os.sep, "/") + ("/" if is_dir else "")
        decision = spec.check_file(relative).include
        if decision is not None:
            return decision
    return False


def _human_size(size: int) -> str:
    if size >= _MIB:
        return f"{size / _MIB:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size} B"
