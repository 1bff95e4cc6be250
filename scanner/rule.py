"""The rule base classes: metadata declared once, validated when the class is defined.

A rule never opens a file. The engine hands it a parsed model (its ``model`` attribute names
which one) and a ``RuleContext``; the rule yields findings made with ``self.finding``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from scanner.finding import Confidence, Finding, Location, Severity
from scanner.mask import redact_text
from scanner.parsers.text import source_lines
from scanner.rule_text import rule_text

_ID_RE = re.compile(r"^DP\d{3}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

# A rule whose ``kinds`` holds this applies to every text input, whatever its kind.
ANY_TEXT = frozenset({"*"})


class Status(str, Enum):
    STABLE = "stable"
    PREVIEW = "preview"  # runs only with --preview
    DEPRECATED = "deprecated"


@dataclass(frozen=True)
class Example:
    """A short input that documents the rule and doubles as its test.

    ``path`` is the file name the example is scanned as; it decides the input kind exactly as
    discovery would. ``expect`` is the number of findings (bad examples need at least one).
    """

    source: str
    path: str = "example.py"
    expect: int | None = None


@dataclass(frozen=True)
class Option:
    """A rule option: its default decides its type; ``choices`` restricts list or scalar values."""

    default: Any
    help: str
    choices: tuple[Any, ...] | None = None

    def validate(self, rule_id: str, name: str, value: Any) -> Any:
        expected = type(self.default)
        if expected is tuple:
            expected = (list, tuple)  # TOML gives lists; Python callers may pass tuples
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            wanted = "list" if isinstance(expected, tuple) else expected.__name__
            raise ValueError(f"option {rule_id}.{name} must be {wanted}, got {type(value).__name__}")
        if self.choices is not None:
            values = value if isinstance(value, (list, tuple)) else [value]
            bad = [v for v in values if v not in self.choices]
            if bad:
                allowed = ", ".join(map(str, self.choices))
                raise ValueError(f"option {rule_id}.{name}: {bad!r} not in ({allowed})")
        return tuple(value) if isinstance(self.default, tuple) else value


@dataclass
class RuleContext:
    """What a rule may know about the input it is checking, besides the model itself."""

    path: str | None  # None for a live database: findings there are located by object
    kind: str
    text: str
    options: dict[str, Any] = field(default_factory=dict)
    _lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = source_lines(self.text)
        return self._lines

    def excerpt(self, line: int | None, limit: int = 160) -> str:
        """The masked, whitespace-trimmed source line: the default evidence of a finding."""
        if line is None or not 1 <= line <= len(self.lines):
            return ""
        return redact_text(self.lines[line - 1].strip())[:limit]


class Rule:
    """Base of every rule. Subclasses set the metadata below and implement ``check``."""

    # -- metadata: written here once, read by the registry, `dpscan rules`, the reports ---------
    id: ClassVar[str]
    name: ClassVar[str]
    clauses: ClassVar[tuple[str, ...]]
    severity: ClassVar[Severity]
    confidence: ClassVar[Confidence]
    remediation: ClassVar[str]
    references: ClassVar[tuple[str, ...]] = ()
    aliases: ClassVar[tuple[str, ...]] = ()
    status: ClassVar[Status] = Status.STABLE
    since: ClassVar[str] = "0.1.0"
    bad: ClassVar[tuple[Example, ...]]
    good: ClassVar[tuple[Example, ...]]
    options: ClassVar[dict[str, Option]] = {}
    # `dpscan fix`: "module:function" of the rule's autofixer (scanner.fix), imported only by that
    # command so that scanning never loads libcst; ``fix_note`` says what it fixes and what not.
    fixer: ClassVar[str] = ""
    fix_note: ClassVar[str] = ""

    # -- dispatch -------------------------------------------------------------------------------
    kinds: ClassVar[frozenset[str]]  # input kinds this rule reads; ANY_TEXT for all text inputs
    model: ClassVar[str]  # the parsed model ``check`` receives (see scanner.parsers.MODELS)
    # Cheap pre-filter: literal substrings of which at least one must occur in the raw text for
    # the rule to be able to match. The engine skips parsing when none occurs. Empty = always run.
    tokens: ClassVar[tuple[str, ...]] = ()
    # More pre-filter groups, ANDed with ``tokens``: at least one token of every group must occur
    # too ("CBC" alone is a word in many files; with no crypto library named it cannot match).
    token_groups: ClassVar[tuple[tuple[str, ...], ...]] = ()

    @classmethod
    def may_match(cls, text: str) -> bool:
        """False when the pre-filter proves the rule cannot match ``text``."""
        if cls.tokens and not any(token in text for token in cls.tokens):
            return False
        return all(any(token in text for token in group) for group in cls.token_groups)

    # Base classes that only provide plumbing set this in their own body.
    abstract: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("abstract", False):
            return
        cls.abstract = False
        _validate_metadata(cls)

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        given = dict(options or {})
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            known = ", ".join(sorted(self.options)) or "none"
            raise ValueError(f"unknown option(s) for {self.id}: {', '.join(unknown)} (known: {known})")
        self.settings = {
            name: opt.validate(self.id, name, given[name]) if name in given else opt.default
            for name, opt in self.options.items()
        }

    # -- documentation derived from the docstring ----------------------------------------------
    @classmethod
    def summary(cls) -> str:
        return inspect.getdoc(cls).split("\n", 1)[0].strip()

    @classmethod
    def rationale(cls) -> str:
        parts = inspect.getdoc(cls).split("\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""

    @classmethod
    def summary_for(cls, lang: str = "en") -> str:
        """The one-line summary in ``lang`` ("en" or "zh"), falling back to English."""
        if lang != "en":
            return rule_text(cls.id, lang, "summary") or cls.summary()
        return cls.summary()

    @classmethod
    def remediation_for(cls, lang: str = "en") -> str:
        """The remediation in ``lang`` ("en" or "zh"), falling back to English."""
        if lang != "en":
            return rule_text(cls.id, lang, "remediation") or cls.remediation
        return cls.remediation

    # -- what subclasses implement and call ----------------------------------------------------
    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self,
        ctx: RuleContext,
        *,
        line: int | None = None,
        column: int | None = None,
        end_line: int | None = None,
        end_column: int | None = None,
        object: str | None = None,  # noqa: A002 - the JSON field is called "object"
        message: str,
        message_zh: str = "",
        key: str = "",
        evidence: str | None = None,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
    ) -> Finding:
        """Build a finding with this rule's id, clauses and defaults.

        ``evidence`` defaults to the masked source line. Whatever is passed is masked again, so a
        rule cannot leak a value through evidence by mistake.
        """
        location = Location(
            path=ctx.path,
            line=line or None,  # 0 means "no line" (a live server's setting has none)
            column=column,
            end_line=end_line,
            end_column=end_column,
            object=object,
        )
        shown = ctx.excerpt(line) if evidence is None else redact_text(evidence)
        return Finding(
            rule_id=self.id,
            clauses=self.clauses,
            severity=severity or self.severity,
            confidence=confidence or self.confidence,
            message=message,
            message_zh=message_zh,
            location=location,
            evidence=shown,
            key=key,
        )

    # -- metadata as data, for `dpscan rules --format json`, SARIF and the report ---------------
    @classmethod
    def metadata(cls) -> dict[str, Any]:
        return {
            "id": cls.id,
            "name": cls.name,
            "summary": cls.summary(),
            "rationale": cls.rationale(),
            "clauses": list(cls.clauses),
            "severity": cls.severity.value,
            "confidence": cls.confidence.value,
            "remediation": cls.remediation,
            "summary_zh": rule_text(cls.id, "zh", "summary"),
            "remediation_zh": rule_text(cls.id, "zh", "remediation"),
            "references": list(cls.references),
            "aliases": list(cls.aliases),
            "status": cls.status.value,
            "since": cls.since,
            "kinds": sorted(cls.kinds),
            "fixable": bool(cls.fixer),
            "fix": cls.fix_note,
            "options": {
                name: {"default": _jsonable(opt.default), "help": opt.help}
                for name, opt in cls.options.items()
            },
            "examples": {
                "bad": [{"path": e.path, "source": e.source} for e in cls.bad],
                "good": [{"path": e.path, "source": e.source} for e in cls.good],
            },
        }


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _validate_metadata(cls: type[Rule]) -> None:
    where = f"{cls.__module__}.{cls.__qualname__}"

    def fail(problem: str) -> None:
        raise TypeError(f"rule {where}: {problem}")

    for attr in ("id", "name", "clauses", "severity", "confidence", "remediation", "bad", "good",
                 "kinds", "model"):
        if not hasattr(cls, attr):
            fail(f"missing required attribute {attr!r}")
    if not _ID_RE.match(cls.id):
        fail(f"id {cls.id!r} must look like DP123")
    for name in (cls.name, *cls.aliases):
        if not _NAME_RE.match(name):
            fail(f"name or alias {name!r} must be kebab-case")
    if not cls.clauses or not isinstance(cls.clauses, tuple):
        fail("clauses must be a non-empty tuple of catalog ids")
    if not isinstance(cls.severity, Severity) or not isinstance(cls.confidence, Confidence):
        fail("severity and confidence must be Severity/Confidence members")
    if not (cls.__dict__.get("__doc__") or "").strip():  # getdoc would inherit Rule's docstring
        fail("needs a docstring: a one-line summary, then the rationale")
    if not cls.remediation.strip():
        fail("remediation must not be empty")
    if not cls.bad or not cls.good:
        fail("needs at least one bad and one good Example")
    if not all(isinstance(e, Example) for e in (*cls.bad, *cls.good)):
        fail("bad/good must hold Example instances")
    if not isinstance(cls.kinds, frozenset) or not cls.kinds:
        fail("kinds must be a non-empty frozenset of input kinds")
    for name, opt in cls.options.items():
        if not isinstance(opt, Option):
            fail(f"option {name!r} must be an Option")


class SchemaRule(Rule):
    """Base of rules over the schema model (SQL dumps, ORM models, live databases).

    The engine classifies every column (scanner.enrich.pii) before the rule runs; subclasses
    implement ``check_column`` or, for table- or model-wide checks, override ``check``.
    """

    abstract = True
    model = "schema"
    kinds = frozenset({"sql", "python", "sqlite", "database"})  # "database": a live server

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for table, column in model.columns():
            yield from self.check_column(table, column, ctx)

    def check_column(self, table: Any, column: Any, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())

    def column_finding(self, ctx: RuleContext, table: Any, column: Any, **kwargs: Any) -> Finding:
        """A finding located at the column's own definition and named ``schema.table.column``."""
        loc = column.location
        kwargs.setdefault("evidence", _column_evidence(column))
        return self.finding(
            ctx,
            line=loc.line,
            column=loc.column,
            object=table.column_name(column),
            key=f"{table.qualified_name}.{column.name}:{column.data_type}".lower(),
            **kwargs,
        )


def _column_evidence(column: Any) -> str:
    parts = [f"{column.name} {column.data_type}".strip()]
    if column.comment:
        parts.append(f"comment {column.comment!r}")
    if column.pii is not None and column.pii.sample:
        parts.append(f"sample {column.pii.sample}")
    return "; ".join(parts)


class ConfigRule(Rule):
    """Base of rules over configuration files of the families named in ``kinds``.

    The engine hands ``check`` the input's ConfigDocument (scanner.model.config); helpers locate
    findings at a directive's own line.
    """

    abstract = True
    model = "config"

    def directive_finding(self, ctx: RuleContext, directive: Any, **kwargs: Any) -> Finding:
        context = " > ".join(directive.context)
        kwargs.setdefault("key", f"{context}:{directive.key}".lower())
        if ctx.path is None:
            # A live server's setting has no file line: its object names the setting itself.
            kwargs.setdefault("object", f"{ctx.kind}:{' > '.join((*directive.context, directive.name))}")
        kwargs.setdefault("object", f"{ctx.kind}:{context}" if context else None)
        return self.finding(ctx, line=directive.line, column=directive.column, **kwargs)
