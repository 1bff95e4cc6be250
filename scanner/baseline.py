"""Fingerprints, baselines and the comparison of two results.

A fingerprint identifies a finding across runs. Like detect-secrets' ``PotentialSecret`` it
leaves the line number out, so moving code up or down a file keeps it. It hashes the rule id, the
path or object, the rule's structural key and the *masked*, whitespace-normalised source line,
plus an occurrence counter that tells identical lines in one file apart. Nothing it hashes is a
raw personal value or secret: a plain hash of a phone or ID number can be reversed by brute force.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scanner.finding import Finding
from scanner.mask import redact_text

BASELINE_KIND = "dpscan-baseline"
_FINGERPRINT_VERSION = "v1"
_DIRECTIVE_TAIL = re.compile(r"(#|--|//|;|/\*|<!--)\s*dpscan:.*$")


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a dpscan baseline or result."""


def normalise_context(line: str) -> str:
    """The part of a source line that identifies a finding: masked, without a dpscan directive
    (adding a suppression must not make a finding new), whitespace collapsed."""
    line = _DIRECTIVE_TAIL.sub("", line)
    # Collapse before masking: redact_text's long-number mask allows one space between digit
    # groups, so "138  1234  5678" was left unmasked, then collapsed and hashed as a raw number,
    # and a whitespace-only edit of such a line changed the fingerprint.
    return redact_text(" ".join(line.split()))


def assign_fingerprints(findings: list[Finding], lines: list[str] | None) -> list[Finding]:
    """Give every finding of one input its fingerprint; ``lines`` is that input's text."""
    seen: Counter[tuple[str, ...]] = Counter()
    out = []
    for finding in sorted(findings, key=Finding.sort_key):
        loc = finding.location
        context = ""
        if lines is not None and loc.line is not None and 1 <= loc.line <= len(lines):
            context = normalise_context(lines[loc.line - 1])
        identity = (finding.rule_id, loc.path or "", loc.object or "", finding.key, context)
        seen[identity] += 1
        payload = "\0".join((_FINGERPRINT_VERSION, *identity, str(seen[identity])))
        out.append(finding.with_(fingerprint=hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]))
    return out


@dataclass(frozen=True)
class Baseline:
    path: str
    fingerprints: frozenset[str]


def load_baseline(path: str) -> Baseline:
    """Read a baseline written by ``--write-baseline``, or any saved JSON result (the nightly job
    compares with last night's result directly)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is neither a dpscan baseline nor a dpscan JSON result")
    prints = [f.get("fingerprint") for f in data["findings"] if isinstance(f, dict)]
    if not all(isinstance(p, str) and p for p in prints):
        raise BaselineError(f"{path}: a finding has no fingerprint")
    # A suppressed finding in a saved result was accepted for a reason that may since have been
    # removed; only active findings count as known.
    active = [f["fingerprint"] for f in data["findings"] if not f.get("suppressed", False)]
    return Baseline(path=path, fingerprints=frozenset(active))


def baseline_document(result: dict) -> dict:
    """What ``--write-baseline`` writes: the active findings' fingerprints with enough context to
    read the file by eye, and the tool and rule set that produced it."""
    findings = [
        {
            "fingerprint": f["fingerprint"],
            "rule_id": f["rule_id"],
            "location": {k: v for k, v in f["location"].items() if k in ("path", "object", "line")},
            "message": f["message"],
        }
        for f in result["findings"]
        if not f["suppressed"]
    ]
    return {
        "schema_version": "1",
        "kind": BASELINE_KIND,
        "tool": result["tool"],
        "generated_at": result["scan"]["finished_at"],
        "rules": result["scan"]["rules"],
        "ruleset_digest": result["scan"]["ruleset_digest"],
        "findings": findings,
    }


def mark_against_baseline(findings: Iterable[Finding], baseline: Baseline) -> tuple[list[Finding], int]:
    """Label each finding new or unchanged; return them and the number of baseline entries fixed."""
    out = [
        f.with_(baseline="unchanged" if f.fingerprint in baseline.fingerprints else "new")
        for f in findings
    ]
    still_there = {f.fingerprint for f in out if not f.suppressed}
    return out, len(baseline.fingerprints - still_there)


def diff_results(old: dict, new: dict) -> dict[str, list[dict]]:
    """The nightly comparison of two saved results: what is new, fixed and unchanged."""
    old_by = {f["fingerprint"]: f for f in old.get("findings", []) if not f.get("suppressed")}
    new_by = {f["fingerprint"]: f for f in new.get("findings", []) if not f.get("suppressed")}
    return {
        "new": [new_by[k] for k in new_by if k not in old_by],
        "fixed": [old_by[k] for k in old_by if k not in new_by],
        "unchanged": [new_by[k] for k in new_by if k in old_by],
    }
