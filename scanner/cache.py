"""The result cache: what one input contributed to a scan, kept so an unchanged input is not read twice.

A re-scan of an unchanged tree then costs discovery, hashing and reading small JSON files instead
of parsing and running rules. Only per-input outcomes are cached; everything decided over the
whole scan (severity and path overrides, the baseline, clause statuses, the order of findings) is
recomputed from them on every run, so a config edit that only touches those needs no invalidation.

Where: ``$DPSCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/dpscan``, else ``~/.cache/dpscan`` -- never
inside the scanned tree. Layout::

    <dir>/v1/<code fingerprint>/<2 hex>/<entry key>.json

Entry key, per input: sha256 over the scan settings that change a per-input outcome (the rules
that run with their options, inline ignores, max-file-size, dialect, max-samples), the path
relative to the scan root (findings carry it), the input kind and the content: sha256 of the raw
bytes, or for streamed inputs (SQL dumps over max-file-size, SQLite databases) the file's
size, mtime_ns, inode and device -- hashing gigabytes would cost much of what the cache saves.

Code fingerprint: the dpscan version, the bytes of every file under scanner/ and detectors/ (a few
milliseconds), the names of the installed distributions (their versions: sqlglot, libcst,
presidio, spaCy models...) and the Python version. Any change to the analysis code opens a fresh
directory; directories not used for ``STALE_AFTER`` are deleted by the next run that uses the cache.

Entries are JSON, never pickle: reading the cache must never execute code. They hold what the
result would hold -- findings whose message and evidence are already masked (scanner.finding,
scanner.mask), masked inventory entries, error and warning records -- and nothing else. Each write
goes to a temporary file renamed into place, so concurrent scans (``--jobs``, two terminals) never
see half an entry. An unreadable, corrupt or foreign entry is treated as absent and rewritten.
Outcomes that may not repeat (a read error, a timeout) are not stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scanner
from scanner.finding import (
    Confidence,
    ErrorRecord,
    Finding,
    InputRecord,
    Location,
    ScanWarning,
    Severity,
    SkipRecord,
    Suppression,
)

if TYPE_CHECKING:
    from scanner.discover import SourceFile
    from scanner.engine import InputJob, InputOutcome

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the entry layout changes: older entries are then simply not found
STALE_AFTER = 30 * 24 * 3600  # seconds: code-fingerprint directories unused this long are deleted
_MARKER = {"name": "dpscan", "cache": FORMAT}  # also makes discover/engine skip an entry as dpscan output


def default_cache_dir() -> Path:
    """$DPSCAN_CACHE_DIR, else $XDG_CACHE_HOME/dpscan, else ~/.cache/dpscan."""
    if os.environ.get("DPSCAN_CACHE_DIR"):
        return Path(os.environ["DPSCAN_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "dpscan"


def clear(directory: Path | None = None) -> bool:
    """Delete every entry; True when there was something to delete."""
    root = Path(directory or default_cache_dir())
    existed = root.exists()
    shutil.rmtree(root, ignore_errors=True)
    return existed


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever anything that decides a per-input outcome may have changed."""
    digest = hashlib.sha256(f"dpscan {scanner.__version__}\n{sys.version}\n".encode())
    import detectors

    for package in (Path(scanner.__file__).parent, Path(detectors.__file__).parent):
        for folder, subfolders, files in os.walk(package):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, package.parent).encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    # Installed distributions by name and version (sqlglot-30.30.0.dist-info, spaCy models...):
    # listing site-packages is ~1 ms where importlib.metadata costs ~40 ms, too much for the hook.
    for folder in sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))
        except OSError:
            continue
        digest.update("\n".join(names).encode())
    return digest.hexdigest()


def job_digest(job: InputJob) -> str:
    """The scan settings a per-input outcome depends on (severity and overrides are applied later)."""
    settings = {
        "rules": [[rule.id, _stable(rule.settings)] for rule in job.rules],
        "inline_ignores": job.inline_ignores,
        "max_file_size": job.max_file_size,
        "dialect": job.settings.dialect,
        "max_samples": job.settings.max_samples,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=repr).encode()).hexdigest()


def _stable(value: Any) -> Any:
    """Rule settings as JSON-able data whose text never depends on set iteration order."""
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted((_stable(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


class ResultCache:
    """Cached outcomes of one scan's inputs, under one code fingerprint and one set of scan settings."""

    def __init__(self, directory: str | os.PathLike[str], job: InputJob) -> None:
        self.root = Path(directory)
        self.dir = self.root / f"v{FORMAT}" / code_fingerprint()[:24]
        self.job = job
        self.settings = job_digest(job)
        self.hits = self.misses = self.stored = self.invalid = 0
        self._made: set[Path] = set()  # shard directories known to exist (saves a mkdir per entry)

    # -- keys ----------------------------------------------------------------------------------
    def content_id(self, file: SourceFile) -> str | None:
        """sha256 of the bytes, or the stat identity of a streamed input; None if unreadable."""
        from scanner.engine import _NOT_TEXT_KINDS

        try:
            if file.size > self.job.max_file_size or file.kind in _NOT_TEXT_KINDS:
                st = os.stat(file.abspath)
                return f"stat:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_dev}"
            with open(file.abspath, "rb") as handle:
                return "sha256:" + hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            return None  # scan_file will record why

    def key(self, file: SourceFile, content: str) -> str:
        parts = f"{self.settings}\0{file.relpath}\0{file.kind}\0{content}"
        return hashlib.sha256(parts.encode("utf-8", "surrogateescape")).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    # -- reading and writing -------------------------------------------------------------------
    def load(self, key: str) -> InputOutcome | None:
        try:
            with open(self._entry(key), encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("dpscan") != _MARKER or data.get("key") != key:
                raise ValueError("not an entry of this cache format")
            return decode_outcome(data["outcome"])
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - a bad entry is a miss, never a failed scan
            self.invalid += 1
            log.debug("cache entry %s ignored (%s)", key[:12], type(exc).__name__)
            return None

    def store(self, key: str, outcome: InputOutcome) -> None:
        encoded = encode_outcome(outcome)
        if encoded is None:
            return
        # The marker comes first so that dpscan, scanning a tree that holds its cache, skips it.
        text = json.dumps({"dpscan": _MARKER, "key": key, "outcome": encoded},
                          ensure_ascii=False, separators=(",", ":"))
        path = self._entry(key)
        try:
            if path.parent not in self._made:
                # Private to the user, as the findings' paths and masked evidence are.
                self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._made.add(path.parent)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(temp, path)  # atomic: readers see the old entry or the new one
            except BaseException:
                os.unlink(temp)
                raise
        except OSError as exc:  # a full disk or a read-only home must not fail the scan
            log.debug("cache entry %s not written (%s)", key[:12], exc.strerror or exc)
            return
        self.stored += 1

    # -- the scan ------------------------------------------------------------------------------
    def scan(self, sources: Sequence[SourceFile],
             scan_uncached: Callable[[list[SourceFile]], list[InputOutcome]]) -> list[InputOutcome]:
        """Outcomes for ``sources`` in their order: cached ones reused, the others scanned and kept."""
        outcomes: list[InputOutcome | None] = [None] * len(sources)
        todo: list[tuple[int, str | None, str | None]] = []  # (index, key, content id)
        for index, file in enumerate(sources):
            content = self.content_id(file)
            key = self.key(file, content) if content else None
            cached = self.load(key) if key else None
            if cached is None:
                todo.append((index, key, content))
            else:
                outcomes[index] = cached
        self.hits, self.misses = len(sources) - len(todo), len(todo)
        fresh = scan_uncached([sources[index] for index, _, _ in todo]) if todo else []
        for (index, key, content), outcome in zip(todo, fresh, strict=True):
            outcomes[index] = outcome
            if key and content and _unchanged(sources[index], content, outcome) and _repeatable(outcome):
                self.store(key, outcome)
        self._retire_stale()
        log.info("cache: %d input(s) reused, %d scanned, %d stored, %d bad entries ignored (%s)",
                 self.hits, self.misses, self.stored, self.invalid, self.root)
        return outcomes  # type: ignore[return-value]

    def _retire_stale(self) -> None:
        """Mark this fingerprint's directory used; delete the ones no run has used for a month."""
        try:
            if self.dir.exists():
                os.utime(self.dir)
            now = time.time()
            for other in (self.root / f"v{FORMAT}").iterdir():
                if other != self.dir and other.is_dir() and now - other.stat().st_mtime > STALE_AFTER:
                    shutil.rmtree(other, ignore_errors=True)
        except OSError:
            pass


def _unchanged(file: SourceFile, content: str, outcome: InputOutcome) -> bool:
    """The input scanned is the one hashed: a file edited in between must not be stored under the
    old key (its outcome describes the new bytes)."""
    if content.startswith("sha256:"):
        return outcome.input is None or outcome.input.sha256 == content[len("sha256:"):]
    try:
        st = os.stat(file.abspath)
    except OSError:
        return False
    return content == f"stat:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_dev}"


# Error texts of outcomes that another run may not repeat: storing them would make a passing
# hiccup (a file locked for a moment, a machine busy enough to hit the per-file time limit) stick.
_TRANSIENT = ("cannot read", "timed out", "timeout", "time limit")


def _repeatable(outcome: InputOutcome) -> bool:
    return not any(any(word in e.message.lower() for word in _TRANSIENT) for e in outcome.errors)


# -- JSON encoding of an InputOutcome ------------------------------------------------------------
_OUTCOME_FIELDS = {"input", "findings", "errors", "warnings", "skipped", "inventory", "checked"}
_FINDING_FIELDS = {"rule_id", "clauses", "severity", "confidence", "message", "location", "evidence",
                   "message_zh", "key", "fingerprint", "suppression", "baseline"}


def encode_outcome(outcome: InputOutcome) -> dict[str, Any] | None:
    """JSON-able data, or None when the outcome holds something this format does not know (a
    field added to InputOutcome later): better a miss than an entry that silently loses it."""
    for f in dataclasses.fields(outcome):
        if f.name not in _OUTCOME_FIELDS and getattr(outcome, f.name) != _default(f):
            log.debug("outcome field %s is not cached: entry not written", f.name)
            return None
    if {f.name for f in dataclasses.fields(Finding)} != _FINDING_FIELDS:
        return None  # Finding changed shape: the code fingerprint moved too, but be safe
    return {
        "input": _record(outcome.input) if outcome.input is not None else None,
        "findings": [_finding(f) for f in outcome.findings],
        "errors": [_record(e) for e in outcome.errors],
        "warnings": [_record(w) for w in outcome.warnings],
        "skipped": [_record(s) for s in outcome.skipped],
        "inventory": outcome.inventory,
        "checked": outcome.checked,
    }


def decode_outcome(data: dict[str, Any]) -> InputOutcome:
    from scanner.engine import InputOutcome

    checked = data["checked"]
    if not isinstance(checked, dict) or not all(isinstance(v, bool) for v in checked.values()):
        raise ValueError("checked")
    inventory = data["inventory"]
    if not isinstance(inventory, list) or not all(isinstance(i, dict) for i in inventory):
        raise ValueError("inventory")
    return InputOutcome(
        input=InputRecord(**data["input"]) if data["input"] is not None else None,
        findings=[_unfinding(f) for f in data["findings"]],
        errors=[ErrorRecord(**e) for e in data["errors"]],
        warnings=[ScanWarning(**w) for w in data["warnings"]],
        skipped=[SkipRecord(**s) for s in data["skipped"]],
        inventory=inventory,
        checked=checked,
    )


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def _record(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "clauses": list(f.clauses),
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "message": f.message,
        "location": _record(f.location),
        "evidence": f.evidence,
        "message_zh": f.message_zh,
        "key": f.key,
        "fingerprint": f.fingerprint,
        "suppression": _record(f.suppression) if f.suppression is not None else None,
        "baseline": f.baseline,
    }


def _unfinding(data: dict[str, Any]) -> Finding:
    suppression = data["suppression"]
    return Finding(
        rule_id=data["rule_id"],
        clauses=tuple(data["clauses"]),
        severity=Severity(data["severity"]),
        confidence=Confidence(data["confidence"]),
        message=data["message"],
        location=Location(**data["location"]),
        evidence=data["evidence"],
        message_zh=data["message_zh"],
        key=data["key"],
        fingerprint=data["fingerprint"],
        suppression=Suppression(**suppression) if suppression is not None else None,
        baseline=data["baseline"],
    )
