"""The run loop: discover inputs, parse each once per model, run the rules that apply, collect.

One input's problem (unreadable, unparsable, a rule that crashed on it) is recorded in the result
and the scan goes on. Per input, every model a rule needs is built at most once; a rule's
``tokens`` pre-filter lets the engine skip parsing entirely when the rule cannot match.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from scanner.baseline import Baseline, assign_fingerprints, mark_against_baseline
from scanner.config import DEFAULT_FILE_TIMEOUT, Config
from scanner.discover import DEFAULT_MAX_SIZE, SourceFile, discover
from scanner.finding import ErrorRecord, Finding, InputRecord, ScanWarning, SkipRecord, Suppression
from scanner.inventory import inventory_entries
from scanner.kinds import classify
from scanner.live import LiveSnapshot, database_identity
from scanner.mask import redact_text
from scanner.parsers import ParseError, build_model, streams
from scanner.parsers.source import InputSource, ParserSettings
from scanner.parsers.text import source_lines
from scanner.registry import default_registry
from scanner.result import FAILED_SKIPS, ScanResult
from scanner.rule import Rule, RuleContext
from scanner.suppress import apply_inline
from scanner.textio import decode_bytes
from scanner.timeout import InputTimedOut, time_limit

# `dpscan --log-level debug`: paths, kinds, models, rule ids and counts only -- never a value,
# a source line or an exception text (those may quote the data; scanner/log.py masks anyway).
log = logging.getLogger(__name__)

# dpscan's own results, baselines, SARIF logs and HTML reports announce themselves near the top.
# They quote masked evidence of other files, so scanning them again would only echo old findings
# (the nightly job keeps last night's result next to the tree it scans).
_DPSCAN_OUTPUT = re.compile(rb'"name":\s*"dpscan"|<meta name="generator" content="dpscan ')

# Below this many inputs a process pool costs more than it saves (fork + result pickling).
_PARALLEL_THRESHOLD = 24
_NOT_TEXT_KINDS = frozenset({"sqlite", "database"})


@dataclass(frozen=True)
class ScanRequest:
    targets: tuple[str, ...]
    root: str
    config: Config
    rules: tuple[Rule, ...]
    inline_ignores: bool = True
    jobs: int = 0  # 0: as many as there are cores, when the input is big enough to gain
    baseline: Baseline | None = None
    command: str = ""
    lang: str = "en"
    cache_dir: str | None = None  # the result cache (scanner.cache); None: read and write none


@dataclass
class InputOutcome:
    """Everything one input contributed to the result."""

    input: InputRecord | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)
    skipped: list[SkipRecord] = field(default_factory=list)
    inventory: list[dict] = field(default_factory=list)
    # rule id -> True when the rule examined this input, False when it could not (parse failure)
    checked: dict[str, bool] = field(default_factory=dict)


def applies(rule: Rule, kind: str) -> bool:
    if kind in rule.kinds:
        return True
    return "*" in rule.kinds and kind not in _NOT_TEXT_KINDS


@dataclass(frozen=True)
class InputJob:
    """What every input of one scan is checked with (shipped once to each worker process)."""

    rules: tuple[Rule, ...]
    inline_ignores: bool = True
    max_file_size: int = DEFAULT_MAX_SIZE
    settings: ParserSettings = ParserSettings()
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT  # seconds per input (scanner.timeout)


def check_text(
    text: str,
    *,
    path: str,
    kind: str,
    rules: Sequence[Rule],
    inline_ignores: bool = True,
    settings: ParserSettings | None = None,
) -> InputOutcome:
    """Run the applicable rules over one in-memory input (rule examples, snippets, tests)."""
    source = InputSource(path=path, kind=kind, settings=settings or ParserSettings(), _text=text)
    return check_source(source, rules, inline_ignores=inline_ignores, streamed=False)


def check_source(
    source: InputSource, rules: Sequence[Rule], *, inline_ignores: bool, streamed: bool,
    prebuilt: dict[str, Any] | None = None,
) -> InputOutcome:
    """Run the applicable rules over one input, building each model at most once.

    ``streamed`` inputs are too large to hold in memory: only rules whose model streams run.
    ``prebuilt`` models (a live database's snapshot) are used as they are.
    """
    outcome = InputOutcome()
    models = _ModelCache(source, outcome)
    models.built.update(prebuilt or {})
    path, kind = source.path, source.kind
    for rule in rules:
        if not applies(rule, kind):
            continue
        if streamed and not streams(rule.model):
            outcome.checked[rule.id] = False  # not checked: its clause must not read "clean"
            continue
        if not streamed and not rule.may_match(source.text):
            outcome.checked[rule.id] = True  # cannot match: absence of every token proves it
            continue
        model = models.get(rule.model)
        if model is None:
            outcome.checked[rule.id] = False
            continue
        ctx = RuleContext(path=path, kind=kind, text="" if streamed else source.text, options=rule.settings)
        try:
            before = len(outcome.findings)
            outcome.findings.extend(rule.check(model, ctx))
            outcome.checked[rule.id] = True
            log.debug("%s: rule %s ran on the %s model: %d finding(s)", path, rule.id, rule.model,
                      len(outcome.findings) - before)
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not end the scan
            outcome.checked[rule.id] = False
            outcome.errors.append(
                # Masked: an exception's text may quote the value it choked on (issue 10).
                ErrorRecord(path, redact_text(
                    f"internal error in rule {rule.id}: {type(exc).__name__}: {exc}"), kind)
            )
    text_rules_missed = any(applies(r, kind) and not streams(r.model) for r in rules)
    if streamed and kind not in _NOT_TEXT_KINDS and text_rules_missed:
        outcome.warnings.append(ScanWarning(
            "larger than max-file-size: read as a stream by the schema rules only", path))
    if "schema" in models.built:
        outcome.inventory = inventory_entries(models.built["schema"])
    if outcome.findings:
        _finish_findings(outcome, None if streamed else source_lines(source.text), path, inline_ignores)
    return outcome


class _ModelCache:
    """Each model of one input is built once; a failure is recorded once and remembered."""

    def __init__(self, source: InputSource, outcome: InputOutcome) -> None:
        self.source, self.outcome = source, outcome
        self.built: dict[str, Any] = {}
        self.failed: set[str] = set()
        source._model = self.require

    def get(self, model: str) -> Any | None:
        try:
            return self.require(model)
        except Exception:  # noqa: BLE001 - recorded by require
            return None

    def require(self, model: str) -> Any:
        if model in self.built:
            return self.built[model]
        if model in self.failed:
            raise ParseError(f"{model} model unavailable")
        try:
            started = time.perf_counter()
            built = build_model(model, self.source)
        except Exception as exc:  # noqa: BLE001 - any parser failure is an input error
            self.failed.add(model)
            log.debug("%s: %s model failed (%s)", self.source.path, model, type(exc).__name__)
            self.outcome.errors.append(_parse_error(self.source.path, self.source.kind, model, exc))
            raise
        self.built[model] = built
        log.debug("%s: %s model built in %.3f s", self.source.path, model, time.perf_counter() - started)
        for line, message in getattr(built, "warnings", ()):  # statements skipped, and the like
            # Parsers quote the line or statement they skipped: masked like evidence (issue 10).
            self.outcome.warnings.append(ScanWarning(redact_text(message), self.source.path, line))
        return built


def _finish_findings(outcome: InputOutcome, lines: list[str] | None, path: str, inline_ignores: bool) -> None:
    if inline_ignores and lines is not None:
        registry = default_registry()
        outcome.findings, warnings = apply_inline(
            outcome.findings,
            lines,
            path=path,
            rule_refs=lambda rule_id: _refs(registry.find(rule_id)) or (rule_id,),
            is_known=registry.__contains__,
        )
        outcome.warnings.extend(warnings)
    outcome.findings = assign_fingerprints(outcome.findings, lines)


def _refs(rule_cls: type[Rule] | None) -> tuple[str, ...]:
    return (rule_cls.id, rule_cls.name, *rule_cls.aliases) if rule_cls else ()


def _parse_error(path: str, kind: str, model: str, exc: Exception) -> ErrorRecord:
    line = exc.line if isinstance(exc, ParseError) else None
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, RecursionError):
        # Recursive-descent parsers (json, PyYAML, python-hcl2) give up on deep nesting with
        # "maximum recursion depth exceeded ...": say what it means for the input.
        detail = f"nested too deeply to parse ({detail})"
    # A parser's message may quote the input (sqlglot, tomllib, yaml do): masked (issue 10).
    return ErrorRecord(path, redact_text(f"cannot parse as {model}: {detail}"), kind, line)


def scan_file(file: SourceFile, job: InputJob) -> InputOutcome:
    """Read one discovered file and check it, within ``job.file_timeout`` seconds."""
    try:
        with time_limit(job.file_timeout):
            return _scan_file(file, job)
    except InputTimedOut as timeout:
        # What the input yielded before the alarm is dropped: a partial reading would look complete.
        return InputOutcome(errors=[ErrorRecord(file.relpath, str(timeout), file.kind)],
                            checked=_not_checked(file.kind, job.rules))


def _not_checked(kind: str, rules: Sequence[Rule]) -> dict[str, bool]:
    """Every rule that applies to ``kind`` marked as not having examined the input: an input that
    could not be read (or timed out) leaves its clauses partly assessed, never clean."""
    return {rule.id: False for rule in rules if applies(rule, kind)}


def _scan_file(file: SourceFile, job: InputJob) -> InputOutcome:
    """Read one discovered file and check it; a file over the size cap is streamed, not loaded."""
    streamed = file.size > job.max_file_size
    log.debug("%s: kind %s, %d bytes%s", file.relpath, file.kind, file.size, ", streamed" if streamed else "")
    try:
        head, digest, data = _read(file.abspath, whole=not streamed)
    except OSError as exc:
        return InputOutcome(errors=[ErrorRecord(file.relpath, f"cannot read: {exc.strerror or exc}", file.kind)],
                            checked=_not_checked(file.kind, job.rules))
    if _DPSCAN_OUTPUT.search(head[:2048]):
        return InputOutcome(skipped=[SkipRecord(file.relpath, "dpscan-output", "a report written by dpscan")])
    if streamed or file.kind in _NOT_TEXT_KINDS:
        encoding = "binary" if file.kind in _NOT_TEXT_KINDS else decode_bytes(head, partial=True).encoding
        source = InputSource(file.relpath, file.kind, file.abspath, encoding, job.settings)
        outcome = check_source(source, job.rules, inline_ignores=job.inline_ignores, streamed=True)
        outcome.input = InputRecord(file.relpath, file.kind, digest, encoding)
        return outcome
    decoded = decode_bytes(data)
    source = InputSource(file.relpath, file.kind, file.abspath, decoded.encoding, job.settings, decoded.text)
    outcome = check_source(source, job.rules, inline_ignores=job.inline_ignores, streamed=False)
    outcome.input = InputRecord(file.relpath, file.kind, digest, decoded.encoding)
    if decoded.replaced:
        outcome.warnings.append(
            ScanWarning(f"undecodable bytes replaced (read as {decoded.encoding})", file.relpath)
        )
    return outcome


def _read(abspath: str, *, whole: bool) -> tuple[bytes, str, bytes]:
    """(head, sha256, whole content or b"") -- hashing in chunks when the file is not loaded."""
    digest = hashlib.sha256()
    with open(abspath, "rb") as handle:
        if whole:
            data = handle.read()
            digest.update(data)
            return data[:65536], digest.hexdigest(), data
        head = handle.read(65536)
        digest.update(head)
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return head, digest.hexdigest(), b""


# -- the process pool: the job is shipped once per worker, not pickled per input --------------
_worker_job: InputJob | None = None


def _init_worker(job: InputJob) -> None:
    global _worker_job
    _worker_job = job


def _scan_in_worker(file: SourceFile) -> InputOutcome:
    assert _worker_job is not None
    return scan_file(file, _worker_job)


def _scan_all(sources: list[SourceFile], request: ScanRequest) -> list[InputOutcome]:
    job = InputJob(
        rules=request.rules,
        inline_ignores=request.inline_ignores,
        max_file_size=request.config.max_file_size,
        settings=ParserSettings(dialect=request.config.dialect, max_samples=request.config.max_samples),
        file_timeout=request.config.file_timeout,
    )
    if request.cache_dir is not None:
        from scanner.cache import ResultCache

        # Only the inputs without a usable cache entry are scanned, exactly as without a cache.
        uncached = replace(request, cache_dir=None)
        return ResultCache(request.cache_dir, job).scan(sources, lambda todo: _scan_all(todo, uncached))
    jobs = request.jobs or os.cpu_count() or 1
    shared = _SharedChecked()
    if jobs <= 1 or len(sources) < _PARALLEL_THRESHOLD:
        return [shared.compact(scan_file(s, job)) for s in sources]
    # fork keeps start-up cheap (no re-import of the world); the rules are plain objects.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(job,),
    ) as pool:
        chunk = max(1, len(sources) // (jobs * 8))
        return [shared.compact(o) for o in pool.map(_scan_in_worker, sources, chunksize=chunk)]


class _SharedChecked:
    """One ``checked`` map per distinct content, shared by every outcome that has it.

    Nearly all inputs of a kind were checked by the same rules, and a 30-entry dict per input
    was most of the main process's growth on a 100,000-file tree (~1.2 KB an input). Outcomes
    never change ``checked`` in place once built (they assign a new dict), so sharing is safe.
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[tuple[str, bool], ...], dict[str, bool]] = {}

    def compact(self, outcome: InputOutcome) -> InputOutcome:
        key = tuple(outcome.checked.items())
        outcome.checked = self._seen.setdefault(key, outcome.checked)
        return outcome


def run_scan(request: ScanRequest) -> ScanResult:
    started = _now()
    sources, skipped = discover(
        request.targets,
        root=request.root,
        exclude=request.config.exclude,
        max_size=request.config.max_file_size,
    )
    log.info("%d input(s) to scan, %d skipped, %d rule(s)", len(sources), len(skipped), len(request.rules))
    for skip in skipped:
        log.debug("%s: skipped (%s)", skip.path, skip.reason)
    outcomes = _scan_all(sources, request) + _unreadable_outcomes(skipped, request)
    return _assemble(request, started, outcomes, skipped)


def _unreadable_outcomes(skipped: list[SkipRecord], request: ScanRequest) -> list[InputOutcome]:
    """Fail closed on what discovery could not read: a file counts against its kind's rules, a
    directory (contents unknown) against every rule, so those clauses cannot read "clean"."""
    outcomes = []
    for skip in skipped:
        if skip.reason not in FAILED_SKIPS:
            continue
        if os.path.isdir(os.path.join(request.root, skip.path)):
            checked = {rule.id: False for rule in request.rules}
        else:
            checked = _not_checked(classify(skip.path, ""), request.rules)
        outcomes.append(InputOutcome(checked=checked))
    return outcomes


# Virtual inputs of a live database: (model name, input kind) -- the kinds the rules for dumps
# and config files already read, so the same rules judge the live server.
_SNAPSHOT_PARTS = (("schema", "database"), ("settings", None), ("access_rules", None))


def run_live_scan(request: ScanRequest, snapshots: Sequence[LiveSnapshot]) -> ScanResult:
    """Scan live-database snapshots (already taken, read-only) with the request's rules."""
    started = _now()
    outcomes = [outcome for snap in snapshots for outcome in _snapshot_outcomes(snap, request)]
    return _assemble(request, started, outcomes, [])


def _snapshot_outcomes(snap: LiveSnapshot, request: ScanRequest) -> list[InputOutcome]:
    outcomes = []
    for attr, kind in _SNAPSHOT_PARTS:
        model = getattr(snap, attr)
        if model is None:
            continue
        if attr == "schema" and snap.engine == "sqlite":
            kind = "sqlite"  # judged as a SQLite file is: no grants or roles to check
        kind = kind or model.family
        source = InputSource(path=None, kind=kind, settings=ParserSettings())
        prebuilt = {"schema": model} if attr == "schema" else {"config": model}
        # Only the rules that read the snapshot's models: text rules have no text to read here,
        # and counting them as "not checked" would mark their clauses partial for no reason.
        rules = [rule for rule in request.rules if rule.model in prebuilt]
        outcome = check_source(source, rules, inline_ignores=False, streamed=True, prebuilt=prebuilt)
        # A live finding has an object and no path: the database (without credentials) + the object.
        where = database_identity(snap.url)
        outcome.findings = assign_fingerprints([_in_database(f, where) for f in outcome.findings], None)
        for item in outcome.inventory:
            item["location"] = {"object": f"{where}#{item['object']}"}
        outcomes.append(outcome)
    digest = hashlib.sha256(snap.fingerprint_source().encode("utf-8")).hexdigest()
    first = outcomes[0] if outcomes else InputOutcome()
    first.input = InputRecord(snap.url, f"{snap.engine}-live", digest, "live")
    first.errors.extend(ErrorRecord(snap.url, f"{obj}: {message}", "database") for obj, message in snap.errors)
    if snap.errors:
        # Something in this database could not be read (a table that timed out, a catalog the
        # role may not see): what its rules concluded covers only part of it -- partial, not clean.
        for outcome in outcomes:
            outcome.checked = dict.fromkeys(outcome.checked, False)
    first.warnings.extend(ScanWarning(note, snap.url) for note in snap.notes)
    if not outcomes:
        outcomes.append(first)
    return outcomes


def _in_database(finding: Finding, url: str) -> Finding:
    loc = finding.location
    obj = loc.object or ""
    return finding.with_(location=replace(loc, path=None, line=None, column=None, end_line=None,
                                          end_column=None, object=f"{url}#{obj}" if obj else url))


def _assemble(request: ScanRequest, started: str, outcomes: list[InputOutcome],
              skipped: list[SkipRecord]) -> ScanResult:
    findings = [f for o in outcomes for f in o.findings]
    findings = _apply_config(findings, request.config)
    fixed = None
    if request.baseline is not None:
        findings, fixed = mark_against_baseline(findings, request.baseline)
    return ScanResult.assemble(
        request=request,
        started_at=started,
        finished_at=_now(),
        inputs=[o.input for o in outcomes if o.input is not None],
        findings=findings,
        errors=[e for o in outcomes for e in o.errors],
        skipped=[*skipped, *(s for o in outcomes for s in o.skipped)],
        warnings=[w for o in outcomes for w in o.warnings],
        checked=_merge_checked(outcomes),
        fixed=fixed,
        inventory=[item for o in outcomes for item in o.inventory],
    )


def _merge_checked(outcomes: Iterable[InputOutcome]) -> dict[str, list[bool]]:
    merged: dict[str, list[bool]] = {}
    for outcome in outcomes:
        for rule_id, ok in outcome.checked.items():
            merged.setdefault(rule_id, []).append(ok)
    return merged


def _apply_config(findings: list[Finding], config: Config) -> list[Finding]:
    """Severity overrides, then per-path/per-object overrides (which suppress, visibly)."""
    registry = default_registry()
    global_severity = {registry.get(ref).id: sev for ref, sev in config.severity.items()}
    out = []
    for finding in findings:
        if finding.rule_id in global_severity:
            finding = finding.with_(severity=global_severity[finding.rule_id])
        for override in config.overrides:
            if not override.matches(finding.location.path, finding.location.object):
                continue
            severity = {registry.get(ref).id: sev for ref, sev in override.severity.items()}
            if finding.rule_id in severity:
                finding = finding.with_(severity=severity[finding.rule_id])
            ignored = {registry.get(ref).id for ref in override.ignore}
            if finding.rule_id in ignored and finding.suppression is None:
                globs = ", ".join((*override.paths, *override.objects))
                finding = finding.with_(
                    suppression=Suppression(
                        kind="config", reason=override.reason, directive=f"overrides[{globs}]"
                    )
                )
        out.append(finding)
    return out


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
