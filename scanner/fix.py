"""`dpscan fix`: apply the autofixes rules declare, with libcst, to the exact nodes they reported.

Flow: the normal scan runs with the fixable rules selected; active findings (not suppressed, not
already in the baseline) are grouped by file; each file with some is parsed once with libcst
(positions and parents resolved: only those files pay for it); each rule's fixer turns its
findings into edits on the nodes at the findings' spans; one transformer applies them; the file
is written back atomically, in its own encoding, BOM and line endings, or shown as a unified diff.

This is the only module that imports libcst, and only `dpscan fix` imports it: a scan or the
pre-commit hook never pays for it (analysis reads stdlib ``ast``, see scanner.parsers.python).

A fixer is ``fix(tree: FixTree, findings: list[Finding]) -> list[Planned]``: for each finding
either an ``Edit`` (replace a node, or drop arguments from a call) or a reason it has no fix.
"Unsafe" fixes (as in ruff) change more than the one thing the rule reported, or rest on a guess
about what an object is; they run only with ``--unsafe-fixes``.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from scanner.finding import Finding
from scanner.textio import decode_bytes


@dataclass
class Edit:
    """What one finding's fix does to the tree. Keys are nodes of the parsed (original) tree."""

    replace: dict[Any, Callable[[Any], Any]] = field(default_factory=dict)  # node -> new(updated)
    drop_args: dict[Any, set[int]] = field(default_factory=dict)  # Call node -> argument indexes
    safe: bool = True
    note: str = ""  # why the fix is unsafe, when it is


@dataclass
class Planned:
    finding: Finding
    edit: Edit | None
    reason: str = ""  # why there is no fix, when ``edit`` is None


class FixTree:
    """One parsed file: the libcst module, node spans and parents, for fixers to look things up."""

    def __init__(self, text: str) -> None:
        import libcst as cst
        from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

        self.cst = cst
        self.wrapper = MetadataWrapper(cst.parse_module(text))
        self.module = self.wrapper.module
        self._parents = self.wrapper.resolve(ParentNodeProvider)
        self._spans: dict[tuple[int, int, int, int], list[Any]] = {}
        for node, where in self.wrapper.resolve(PositionProvider).items():
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            self._spans.setdefault(key, []).append(node)

    def at(self, finding: Finding, *types: type) -> list[Any]:
        """The nodes spanning exactly the finding's location (of ``types``, when given).

        Findings have 1-based columns with an exclusive end; libcst's columns are 0-based."""
        loc = finding.location
        if None in (loc.line, loc.column, loc.end_line, loc.end_column):
            return []
        nodes = self._spans.get((loc.line, loc.column - 1, loc.end_line, loc.end_column - 1), [])
        return [n for n in nodes if not types or isinstance(n, types)]

    def parent(self, node: Any) -> Any | None:
        return self._parents.get(node)

    def code(self, node: Any) -> str:
        return self.module.code_for_node(node)


# -- the run --------------------------------------------------------------------------------------


@dataclass
class FileFix:
    path: str  # as in the findings (relative to the scan root)
    fixed: list[Finding] = field(default_factory=list)
    left: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, why not fixed)
    unsafe: list[Finding] = field(default_factory=list)  # fixable with --unsafe-fixes
    diff: str = ""
    error: str = ""


def fixable_findings(result) -> dict[str, list[Finding]]:
    """Active, non-baselined findings with a location, grouped by path."""
    grouped: dict[str, list[Finding]] = {}
    for finding in result.active:
        if finding.baseline == "unchanged" or not finding.location.path:
            continue
        grouped.setdefault(finding.location.path, []).append(finding)
    return grouped


def fix_files(result, rules_by_id: dict[str, Any], *, unsafe: bool, write: bool) -> list[FileFix]:
    """Fix every file of ``result`` that has findings; write them back when ``write``."""
    root = result.request.root
    digests = {record.path: record.sha256 for record in result.inputs}
    return [
        _fix_file(os.path.join(root, path), path, findings, digests.get(path), rules_by_id,
                  unsafe=unsafe, write=write)
        for path, findings in sorted(fixable_findings(result).items())
    ]


def _fix_file(abspath: str, path: str, findings: list[Finding], digest: str | None,
              rules_by_id: dict[str, Any], *, unsafe: bool, write: bool) -> FileFix:
    out = FileFix(path)
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        if getattr(rules_by_id.get(finding.rule_id), "fixer", ""):
            by_rule.setdefault(finding.rule_id, []).append(finding)
        else:
            out.left.append((finding, "the rule has no autofix"))
    if not by_rule:
        return out
    try:
        with open(abspath, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return _failed(out, findings, f"cannot read: {exc.strerror or exc}")
    if digest is None or hashlib.sha256(data).hexdigest() != digest:
        return _failed(out, findings, "changed since it was scanned; not touched")
    decoded = decode_bytes(data)
    if decoded.replaced:
        return _failed(out, findings, f"not valid {decoded.encoding}; not touched")
    try:
        tree = FixTree(decoded.text)
    except Exception as exc:  # libcst.ParserSyntaxError and its relatives
        return _failed(out, findings, f"libcst cannot parse it ({type(exc).__name__})")
    edits: list[Edit] = []
    for rule_id, group in sorted(by_rule.items()):
        for planned in _fixer(rules_by_id[rule_id].fixer)(tree, group):
            if planned.edit is None:
                out.left.append((planned.finding, planned.reason or "no safe fix"))
            elif not planned.edit.safe and not unsafe:
                out.unsafe.append(planned.finding)
                out.left.append((planned.finding, f"unsafe fix ({planned.edit.note}): use --unsafe-fixes"))
            else:
                out.fixed.append(planned.finding)
                edits.append(planned.edit)
    if not edits:
        return out
    new_text = tree.module.visit(_apply_factory()(edits)).code
    if new_text == decoded.text:
        out.left.extend((f, "the fix changed nothing") for f in out.fixed)
        out.fixed = []
        return out
    out.diff = "".join(difflib.unified_diff(
        decoded.text.splitlines(keepends=True), new_text.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}"))
    if write:
        try:
            _write_atomically(abspath, new_text.encode(decoded.encoding), expect=digest)
        except (OSError, _Changed) as exc:
            return _failed(out, findings, str(exc) if isinstance(exc, _Changed)
                           else f"cannot write: {exc.strerror or exc}")
    return out


def _failed(out: FileFix, findings: Iterable[Finding], message: str) -> FileFix:
    out.error = message
    out.fixed, out.unsafe, out.diff = [], [], ""
    out.left = [(f, message) for f in findings]
    return out


_FIXERS: dict[str, Callable] = {}


def _fixer(spec: str) -> Callable:
    if spec not in _FIXERS:
        module, _, name = spec.partition(":")
        _FIXERS[spec] = getattr(importlib.import_module(module), name)
    return _FIXERS[spec]


class _Changed(Exception):
    pass


def _write_atomically(abspath: str, data: bytes, *, expect: str) -> None:
    """Replace the file by a sibling temporary file, keeping its mode; never when it changed."""
    with open(abspath, "rb") as handle:
        if hashlib.sha256(handle.read()).hexdigest() != expect:
            raise _Changed("changed while it was being fixed; not touched")
    mode = os.stat(abspath).st_mode & 0o7777
    directory, name = os.path.split(abspath)
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".dpscan-fix", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, abspath)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _apply_factory():
    import libcst as cst

    class Apply(cst.CSTTransformer):
        def __init__(self, edits: list[Edit]) -> None:
            super().__init__()
            self.replace: dict[Any, list[Callable]] = {}
            self.drop: dict[Any, set[int]] = {}
            for edit in edits:
                for node, make in edit.replace.items():
                    self.replace.setdefault(node, []).append(make)
                for call, indexes in edit.drop_args.items():
                    self.drop.setdefault(call, set()).update(indexes)

        def on_leave(self, original_node, updated_node):
            if original_node in self.drop:
                updated_node = drop_arguments(updated_node, self.drop[original_node])
            for make in self.replace.get(original_node, ()):
                updated_node = make(updated_node)
            return updated_node

    return Apply


def drop_arguments(call, indexes: set[int]):
    """``call`` without the arguments at ``indexes``, commas and layout kept right.

    Removing the last argument hands its comma (trailing or not) and the whitespace before the
    closing parenthesis to the new last argument, so both ``f(a, x=1)`` and the one-argument-a-line
    style with a trailing comma come out as they would have been written. A comment on the removed
    argument's own line goes with it; the comments of the other lines stay."""
    import libcst as cst

    args = list(call.args)
    kept = [arg for i, arg in enumerate(args) if i not in indexes]
    if not kept:
        before = call.whitespace_before_args
        if "#" not in cst.Module(body=()).code_for_node(before):
            before = cst.SimpleWhitespace("")
        return call.with_changes(args=(), whitespace_before_args=before)
    if len(args) - 1 in indexes:
        removed, last = args[-1], kept[-1]
        comma, after = removed.comma, removed.whitespace_after_arg
        own = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
        if isinstance(own, cst.ParenthesizedWhitespace):
            # The new last line keeps its own comment; the layout before ")" is the removed one's.
            if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after,
                                                           cst.ParenthesizedWhitespace):
                comma = comma.with_changes(whitespace_after=comma.whitespace_after.with_changes(
                    first_line=own.first_line))
            elif isinstance(after, cst.ParenthesizedWhitespace):
                after = after.with_changes(first_line=own.first_line)
        kept[-1] = last.with_changes(comma=comma, whitespace_after_arg=after)
    return call.with_changes(args=kept)


# -- the report -----------------------------------------------------------------------------------


def summary(files: list[FileFix], *, wrote: bool) -> str:
    fixed = sum(len(f.fixed) for f in files)
    changed = sum(1 for f in files if f.fixed)
    left = sum(len(f.left) for f in files)
    unsafe = sum(len(f.unsafe) for f in files)
    verb = "fixed" if wrote else "would fix"
    line = (f"{verb} {fixed} finding(s) in {changed} file(s); {left} left (no safe fix"
            + (f"; {unsafe} fixable with --unsafe-fixes" if unsafe else "") + ")")
    return line
