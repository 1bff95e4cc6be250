"""The run loop: discover inputs, parse each once per model, run the rules that apply, collect.

One input's problem (unreadable, unparsable, a rule that crashed on it) is recorded in the result
and the scan goes on. Per input, every model a rule needs is built at most once; a rule's
``tokens`` pre-filter lets the engine skip parsing entirely when the rule cannot match.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scanner.baseline import Baseline, assign_fingerprints, mark_against_baseline
from scanner.config import Config
from scanner.discover import SourceFile, discover
from scanner.finding import ErrorRecord, Finding, InputRecord, ScanWarning, SkipRecord, Suppression
from scanner.parsers import ParseError, builder
from scanner.parsers.text import source_lines
from scanner.registry import default_registry
from scanner.result import ScanResult
from scanner.rule import Rule, RuleContext
from scanner.suppress import apply_inline
from scanner.textio import decode_bytes

# dpscan's own results, baselines, SARIF logs and HTML reports announce themselves near the top.
# They quote masked evidence of other files, so scanning them again would only echo old findings
# (the nightly job keeps last night's result next to the tree it scans).
_DPSCAN_OUTPUT = re.compile(rb'"name":\s*"dpscan"|<meta name="generator" content="dpscan ')

# Below this many inputs a process pool costs more than it saves (fork + result pickling).
_PARALLEL_THRESHOLD = 24
_NOT_TEXT_KINDS = frozenset({"sqlite"})


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


@dataclass
class InputOutcome:
    """Everything one input contributed to the result."""

    input: InputRecord | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)
    skipped: list[SkipRecord] = field(default_factory=list)
    # rule id -> True when the rule examined this input, False when it could not (parse failure)
    checked: dict[str, bool] = field(default_factory=dict)


def applies(rule: Rule, kind: str) -> bool:
    if kind in rule.kinds:
        return True
    return "*" in rule.kinds and kind not in _NOT_TEXT_KINDS


def check_text(
    text: str, *, path: str, kind: str, rules: Sequence[Rule], inline_ignores: bool = True
) -> InputOutcome:
    """Run the applicable rules over one decoded input. Used for files and for rule examples."""
    outcome = InputOutcome()
    models: dict[str, Any] = {}
    failed_models: set[str] = set()
    for rule in rules:
        if not applies(rule, kind):
            continue
        if rule.tokens and not any(token in text for token in rule.tokens):
            outcome.checked[rule.id] = True  # cannot match: absence of every token proves it
            continue
        if rule.model not in models and rule.model not in failed_models:
            try:
                models[rule.model] = builder(rule.model)(text, path)
            except Exception as exc:  # noqa: BLE001 - any parser failure is an input error
                failed_models.add(rule.model)
                outcome.errors.append(_parse_error(path, kind, rule.model, exc))
        if rule.model in failed_models:
            outcome.checked[rule.id] = False
            continue
        ctx = RuleContext(path=path, kind=kind, text=text, options=rule.settings)
        try:
            outcome.findings.extend(rule.check(models[rule.model], ctx))
            outcome.checked[rule.id] = True
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not end the scan
            outcome.checked[rule.id] = False
            outcome.errors.append(
                ErrorRecord(path, f"internal error in rule {rule.id}: {type(exc).__name__}: {exc}", kind)
            )
    if not outcome.findings:
        return outcome
    lines = source_lines(text)
    if inline_ignores:
        registry = default_registry()
        outcome.findings, outcome.warnings = apply_inline(
            outcome.findings,
            lines,
            path=path,
            rule_refs=lambda rule_id: _refs(registry.find(rule_id)) or (rule_id,),
            is_known=registry.__contains__,
        )
    outcome.findings = assign_fingerprints(outcome.findings, lines)
    return outcome


def _refs(rule_cls: type[Rule] | None) -> tuple[str, ...]:
    return (rule_cls.id, rule_cls.name, *rule_cls.aliases) if rule_cls else ()


def _parse_error(path: str, kind: str, model: str, exc: Exception) -> ErrorRecord:
    line = exc.line if isinstance(exc, ParseError) else None
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ErrorRecord(path, f"cannot parse as {model}: {detail}", kind, line)


def scan_source(source: SourceFile, rules: Sequence[Rule], inline_ignores: bool) -> InputOutcome:
    try:
        with open(source.abspath, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return InputOutcome(errors=[ErrorRecord(source.relpath, f"cannot read: {exc.strerror or exc}", source.kind)])
    if _DPSCAN_OUTPUT.search(data[:2048]):
        return InputOutcome(skipped=[SkipRecord(source.relpath, "dpscan-output", "a report written by dpscan")])
    digest = hashlib.sha256(data).hexdigest()
    if source.kind in _NOT_TEXT_KINDS:
        return InputOutcome(input=InputRecord(source.relpath, source.kind, digest, "binary"))
    decoded = decode_bytes(data)
    outcome = check_text(
        decoded.text, path=source.relpath, kind=source.kind, rules=rules, inline_ignores=inline_ignores
    )
    outcome.input = InputRecord(source.relpath, source.kind, digest, decoded.encoding)
    if decoded.replaced:
        outcome.warnings.append(
            ScanWarning(f"undecodable bytes replaced (read as {decoded.encoding})", source.relpath)
        )
    return outcome


# -- the process pool: rules are rebuilt once per worker, not pickled per input ---------------
_worker_rules: tuple[Rule, ...] = ()
_worker_inline: bool = True


def _init_worker(rules: tuple[Rule, ...], inline_ignores: bool) -> None:
    global _worker_rules, _worker_inline
    _worker_rules, _worker_inline = rules, inline_ignores


def _scan_in_worker(source: SourceFile) -> InputOutcome:
    return scan_source(source, _worker_rules, _worker_inline)


def _scan_all(sources: list[SourceFile], request: ScanRequest) -> list[InputOutcome]:
    jobs = request.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(sources) < _PARALLEL_THRESHOLD:
        return [scan_source(s, request.rules, request.inline_ignores) for s in sources]
    # fork keeps start-up cheap (no re-import of the world); the rules are plain objects.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(request.rules, request.inline_ignores),
    ) as pool:
        return list(pool.map(_scan_in_worker, sources, chunksize=max(1, len(sources) // (jobs * 8))))


def run_scan(request: ScanRequest) -> ScanResult:
    started = _now()
    sources, skipped = discover(
        request.targets,
        root=request.root,
        exclude=request.config.exclude,
        max_size=request.config.max_file_size,
    )
    outcomes = _scan_all(sources, request)
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
