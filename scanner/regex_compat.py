"""Possessive quantifiers (``X*+``, ``X++``, ``X?+``, ``X{m,n}+``) on Pythons whose ``re`` gets
them wrong.

CPython 3.11.0-3.11.4 return wrong matches for a possessive repeat of a subpattern that can
backtrack (python/cpython#106052, #100061). On Debian 12's python3 (3.11.2) the SQL splitter's
code-run pattern stopped a character short of a statement's end and then matched *backwards*
(end < start), so the splitter looped forever on ``CREATE TABLE t (id int);``. 3.11.5 fixed it by
running ``X*+`` as the atomic group ``(?>X*)``, which the older versions already match correctly;
``compile`` here does that rewrite on those versions and compiles the pattern unchanged elsewhere.
The SQL lexer leans on possessive quantifiers for speed (no backtracking into string bodies), so
rewriting them away entirely would cost throughput on every Python.
"""

from __future__ import annotations

import re
import sys

POSSESSIVE_IS_BROKEN = sys.version_info < (3, 11, 5)
_COUNTED = re.compile(r"\{\d*(?:,\d*)?\}")


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - mirrors re.compile
    if POSSESSIVE_IS_BROKEN and not flags & re.VERBOSE:
        pattern = atomic(pattern)
    return re.compile(pattern, flags)


def atomic(pattern: str) -> str:
    """``pattern`` with every possessive quantifier written as an atomic group around the
    greedy one: ``[^']++`` -> ``(?>[^']+)``. Matches exactly what the possessive form means."""
    rewritten, _end = _sequence(pattern, 0, nested=False)
    return rewritten


def _sequence(pattern: str, index: int, nested: bool) -> tuple[str, int]:
    """Rewrite from ``index`` to the end, or to the ``)`` that closes the current group (not
    consumed). Items are atoms, each with any quantifier already attached."""
    items: list[str] = []
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == ")" and nested:
            return "".join(items), index
        if char == "\\":
            end = _escape_end(pattern, index)
            items.append(pattern[index:end])
        elif char == "[":
            end = _class_end(pattern, index)
            items.append(pattern[index:end])
        elif char == "(":
            group, end = _group(pattern, index)
            items.append(group)
        elif char in "*+?{":
            counted = _COUNTED.match(pattern, index) if char == "{" else None
            if char == "{" and counted is None:  # a literal brace
                items.append(char)
                index += 1
                continue
            end = counted.end() if counted else index + 1
            quantifier = pattern[index:end]
            suffix = pattern[end:end + 1]
            if suffix == "+" and items:
                items.append(f"(?>{items.pop()}{quantifier})")
                end += 1
            elif suffix == "?" and items:
                items[-1] += quantifier + "?"
                end += 1
            elif items:
                items[-1] += quantifier
            else:
                items.append(quantifier)
        else:
            end = index + 1
            items.append(char)
        index = end
    return "".join(items), index


def _group(pattern: str, index: int) -> tuple[str, int]:
    """The rewritten text of the group that opens at ``index``, and where it ends in ``pattern``."""
    head_end = _group_head_end(pattern, index)
    if head_end is None:  # (?#comment) or (?P=name): nothing inside to rewrite
        end = pattern.index(")", index) + 1
        return pattern[index:end], end
    inner, close = _sequence(pattern, head_end, nested=True)
    return pattern[index:head_end] + inner + ")", close + 1


def _group_head_end(pattern: str, index: int) -> int | None:
    """Where a group's body starts: after ``(``, ``(?:``, ``(?P<name>``, ``(?<=``, ``(?i:``..."""
    after = index + 1
    if not pattern.startswith("?", after):
        return after
    if pattern.startswith(("?#", "?P="), after):
        return None
    if pattern.startswith("?P<", after):
        return pattern.index(">", after) + 1
    if pattern.startswith(("?<=", "?<!"), after):
        return after + 3
    cursor = after + 1
    while pattern[cursor] not in ":)=!>":  # inline flags: (?i:...), (?-i:...), (?i)
        cursor += 1
    return cursor if pattern[cursor] == ")" else cursor + 1


def _escape_end(pattern: str, index: int) -> int:
    kind = pattern[index + 1:index + 2]
    width = {"x": 2, "u": 4, "U": 8}.get(kind)
    if width is not None:
        return index + 2 + width
    if kind == "N" and pattern.startswith("{", index + 2):
        return pattern.index("}", index) + 1
    return index + 2


def _class_end(pattern: str, index: int) -> int:
    cursor = index + 1
    if pattern.startswith("^", cursor):
        cursor += 1
    if pattern.startswith("]", cursor):  # a leading ] is a literal
        cursor += 1
    while pattern[cursor] != "]":
        cursor += 2 if pattern[cursor] == "\\" else 1
    return cursor + 1
