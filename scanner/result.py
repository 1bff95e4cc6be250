"""The finished scan: findings in a fixed order, clause statuses, and the JSON result shape.

Clause status follows one rule of honesty: a clause is ``clean`` only when enabled rules covered
it, relevant inputs were read, every one of those inputs could be checked, and nothing was found.
Without a rule or without a relevant input it is ``not_assessed``; when some relevant input could
not be parsed it is ``partial`` (unless there are findings, which always show).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import scanner
from scanner.clauses import load_catalog
from scanner.finding import ErrorRecord, Finding, InputRecord, ScanWarning, Severity, SkipRecord
from scanner.ruleset import ruleset_digest

if TYPE_CHECKING:
    from scanner.engine import ScanRequest

SCHEMA_VERSION = "1"
# Skip reasons that mean "could not", not "chose not to": they count as failed inputs.
FAILED_SKIPS = frozenset({"unreadable"})


@dataclass
class ClauseStatus:
    id: str
    status: str
    findings: int
    rules_run: int
    inputs_checked: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "findings": self.findings,
            "rules_run": self.rules_run,
            "inputs_checked": self.inputs_checked,
        }


@dataclass
class ScanResult:
    request: ScanRequest
    started_at: str
    finished_at: str
    inputs: list[InputRecord]
    findings: list[Finding]
    errors: list[ErrorRecord]
    skipped: list[SkipRecord]
    warnings: list[ScanWarning]
    clauses: list[ClauseStatus]
    fixed: int | None = None  # baseline entries no longer found; None without a baseline
    inventory: list[dict[str, Any]] = field(default_factory=list)
    # Report metadata given on the command line (--org, --commitment-id); recorded, never judged.
    org: str | None = None
    commitment_id: str | None = None

    @classmethod
    def assemble(cls, *, request: ScanRequest, checked: dict[str, list[bool]], **parts: Any) -> ScanResult:
        parts["inputs"] = sorted(parts["inputs"], key=lambda r: r.path)
        parts["findings"] = sorted(parts["findings"], key=Finding.sort_key)
        parts["errors"] = sorted(parts["errors"], key=lambda e: (e.path, e.line or 0, e.message))
        parts["skipped"] = sorted(parts["skipped"], key=lambda s: (s.path, s.reason))
        parts["warnings"] = sorted(parts["warnings"], key=lambda w: (w.path or "", w.line or 0, w.message))
        clauses = clause_statuses(request, parts["findings"], checked)
        return cls(request=request, clauses=clauses, **parts)

    def analysed_nothing(self) -> bool:
        """No rule examined any input: every clause is not assessed, whatever the reason."""
        return not any(clause.inputs_checked for clause in self.clauses)

    def failed_inputs(self) -> int:
        """Inputs that could not be read or parsed: the paths in ``errors`` and the discovery skips
        for unreadable files or directories (skips by choice -- binary, excluded -- are not failures)."""
        failed = {e.path for e in self.errors} | {s.path for s in self.skipped if s.reason in FAILED_SKIPS}
        return len(failed)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    def blocking(self, threshold: Severity) -> list[Finding]:
        """Findings that decide the exit code: active, at or above the threshold, and not already
        in the baseline (as detect-secrets' hook: only new findings block)."""
        return [
            f for f in self.active
            if f.severity.at_least(threshold) and f.baseline != "unchanged"
        ]

    def to_dict(self) -> dict[str, Any]:
        req = self.request
        scan: dict[str, Any] = {
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "targets": list(req.targets),
            "command": req.command,
            "fail_on": req.config.fail_on.value,
            "inline_ignores": req.inline_ignores,
            "lang": req.lang,
            "config": req.config.source,
            "rules": [rule.id for rule in req.rules],
            "ruleset_digest": ruleset_digest(req.rules),
            "inputs": [_input_dict(i) for i in self.inputs],
            "errors": [_drop_none(vars_of(e)) for e in self.errors],
            "skipped": [_drop_none(vars_of(s)) for s in self.skipped],
            "warnings": [_drop_none(vars_of(w)) for w in self.warnings],
        }
        if self.org:
            scan["org"] = self.org
        if self.commitment_id:
            scan["commitment_id"] = self.commitment_id
        git = _git_info(req)
        if git:
            scan["git"] = git
        scan["policy"] = _policy(req)
        if req.baseline is not None:
            scan["baseline"] = {
                "path": req.baseline.path,
                "new": sum(1 for f in self.active if f.baseline == "new"),
                "unchanged": sum(1 for f in self.active if f.baseline == "unchanged"),
                "fixed": self.fixed or 0,
            }
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "dpscan", "version": scanner.__version__},
            "scan": scan,
            "clauses": [c.to_dict() for c in self.clauses],
            "findings": [finding_dict(f) for f in self.findings],
            "inventory": sorted(self.inventory, key=lambda i: (i["location"].get("path", ""), i["object"])),
            "summary": self._summary(),
        }

    def _summary(self) -> dict[str, Any]:
        by_severity = {s.value: 0 for s in Severity}
        for finding in self.active:
            by_severity[finding.severity.value] += 1
        return {
            "total": len(self.findings),
            "active": len(self.active),
            "suppressed": len(self.findings) - len(self.active),
            "by_severity": by_severity,
        }


def finding_dict(f: Finding) -> dict[str, Any]:
    from scanner.registry import default_registry

    rule = default_registry().find(f.rule_id)
    out: dict[str, Any] = {
        "rule_id": f.rule_id,
        "rule_name": rule.name if rule else f.rule_id,
        "clauses": list(f.clauses),
        "severity": f.severity.value,
        "confidence": f.confidence.value,
        "message": f.message,
        "location": f.location.to_dict(),
        "evidence": f.evidence,
        "fingerprint": f.fingerprint,
        "suppressed": f.suppressed,
    }
    if f.message_zh:
        out["message_zh"] = f.message_zh
    if f.suppression is not None:
        out["suppression"] = {"kind": f.suppression.kind, "reason": f.suppression.reason}
    if f.baseline is not None:
        out["baseline"] = f.baseline
    return out


def clause_statuses(
    request: ScanRequest, findings: list[Finding], checked: dict[str, list[bool]]
) -> list[ClauseStatus]:
    statuses = []
    for clause in load_catalog().clauses:
        covering = [r for r in request.rules if clause.id in r.clauses]
        runs = [ok for r in covering for ok in checked.get(r.id, [])]
        ran = [r for r in covering if checked.get(r.id)]
        count = sum(1 for f in findings if not f.suppressed and clause.id in f.clauses)
        if count:
            status = "findings"
        elif not covering or not runs:
            status = "not_assessed"
        elif not all(runs):
            status = "partial"
        else:
            status = "clean"
        statuses.append(ClauseStatus(clause.id, status, count, len(ran), _inputs_checked(covering, checked)))
    return statuses


def _inputs_checked(covering: list, checked: dict[str, list[bool]]) -> int:
    # Rules covering one clause usually read the same inputs; the busiest rule is a fair count.
    return max((sum(checked.get(r.id, [])) for r in covering), default=0)


POLICY_OPTIONS = ("tls_profile", "min_aes_key_bits")


def _policy(request: ScanRequest) -> dict[str, Any]:
    """The settings in force that change what counts as a finding: the threshold, the sample cap,
    and each policy option as the rules that declare it have it (rule id -> value)."""
    policy: dict[str, Any] = {
        "fail_on": request.config.fail_on.value,
        "max_samples": request.config.max_samples,
    }
    for option in POLICY_OPTIONS:
        values = {
            rule.id: rule.settings[option]
            for rule in request.rules
            if option in getattr(rule, "settings", {})
        }
        if values:
            policy[option] = dict(sorted(values.items()))
    return policy


def _git_info(request: ScanRequest) -> dict[str, str] | None:
    """Commit and branch of the scanned tree, when the targets are paths in a git work tree."""
    if not request.targets or any("://" in t for t in request.targets):
        return None  # database URLs: no work tree was scanned
    first = os.path.abspath(request.targets[0])
    root = first if os.path.isdir(first) else os.path.dirname(first)
    if not os.path.isdir(root):
        return None

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", root, *args], capture_output=True, text=True, timeout=5, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    if git("rev-parse", "--is-inside-work-tree") != "true":
        return None
    commit = git("rev-parse", "HEAD")
    if not commit:
        return None  # a work tree without a commit yet
    info = {"commit": commit}
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    if branch and branch != "HEAD":  # "HEAD": detached, no branch to name
        info["branch"] = branch
    return info


def _input_dict(record: InputRecord) -> dict[str, Any]:
    return {"path": record.path, "kind": record.kind, "sha256": record.sha256, "encoding": record.encoding}


def vars_of(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None and v != ""}
