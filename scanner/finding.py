"""The value objects every layer shares: where something is, how bad it is, and the finding itself.

They hold data only. Renderers turn them into JSON/SARIF/HTML/text; rules create them through
``Rule.finding`` so that metadata is never written twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; used for ``--fail-on`` thresholds and sorting."""
        return _SEVERITY_RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


_SEVERITY_RANK = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class Confidence(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Location:
    path: str | None = None  # relative to the scan root, "/"-separated; None for live-DB objects
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    end_line: int | None = None
    end_column: int | None = None
    object: str | None = None  # "schema.table.column", "role:app_rw", "nginx:server[api]"

    def to_dict(self) -> dict:
        out: dict = {}
        for name in ("path", "line", "column", "end_line", "end_column", "object"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Location:
        return cls(**{k: data.get(k) for k in cls.__slots__})  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Suppression:
    kind: str  # "inline" | "config"
    reason: str  # may be "" -- flagged as a warning, still honoured
    directive: str = ""  # the comment or config key that suppressed it


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    clauses: tuple[str, ...]  # never empty; the first is the primary clause
    severity: Severity
    confidence: Confidence
    message: str  # names the object; never contains a raw personal value or secret
    location: Location
    evidence: str = ""  # always produced by scanner.mask
    message_zh: str = ""  # the message in Chinese, for --lang zh reports ("" = English only)
    # Structural identity chosen by the rule (e.g. "requests.get:verify"): part of the fingerprint,
    # so it must never be a personal value or a secret.
    key: str = ""
    fingerprint: str = ""  # filled by the engine
    suppression: Suppression | None = None
    baseline: str | None = None  # "new" | "unchanged" when a baseline was given

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def with_(self, **changes) -> Finding:
        return replace(self, **changes)

    def sort_key(self) -> tuple:
        loc = self.location
        return (
            loc.path or "",
            loc.object or "",
            loc.line or 0,
            loc.column or 0,
            self.rule_id,
            self.message,
        )


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One input that was read: a file (path, kind, sha256) or, later, a live database."""

    path: str
    kind: str
    sha256: str
    encoding: str = "utf-8"


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    path: str
    message: str
    kind: str | None = None  # input kind, so clause status can tell which checks were hurt
    line: int | None = None


@dataclass(frozen=True, slots=True)
class SkipRecord:
    path: str
    reason: str  # binary | too-large | excluded | symlink | unreadable | ...
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ScanWarning:
    """Something the user should fix in how the scan is set up (a suppression without a reason,
    a suppression naming a rule that does not exist); never an input error."""

    message: str
    path: str | None = None
    line: int | None = None
