"""Local data flow for the vulnerability rules: how a string was built, where a value came from.

Builds on the crypto helpers' ``Flow`` (scopes, name bindings, constants) and on the python
model's ``augmented`` facts (``name += value``), and adds string templates with holes for the
non-constant parts and whether an expression reads request data. Imported lazily by the rules,
which only need it for Python inputs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._flow import flow
from scanner.parsers.python import NOT_LITERAL

if TYPE_CHECKING:
    from detectors.crypto._values import Flow
    from scanner.parsers.python import PythonModule

HOLE = "\x00"  # stands for a non-constant part in a template
# Request payloads (Flask/Werkzeug, Django, DRF, Starlette/FastAPI): bodies, forms, uploads.
_REQUEST = re.compile(r"\brequest\.(data|body|get_data|files|FILES|POST|GET|form|args|values"
                      r"|stream|content|get_json|json|query_params|read|raw_post_data)\b")
_MAX_DEPTH = 8


class Strings:
    """String templates of expressions in one module: literal text, HOLE for unknown parts."""

    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.flow: Flow = flow(module)

    def template(self, node: ast.expr | None, scope: int,
                 depth: int = 0) -> tuple[str, bool] | None:
        """(text, dynamic) for a string-building expression; None when ``node`` is not one we
        can read (a parameter, a call result): unknown is not reported."""
        if node is None or depth > _MAX_DEPTH:
            return None
        value = self.flow.constant(node, scope)
        if isinstance(value, str):
            return value, False
        if value is not NOT_LITERAL:
            return None
        if isinstance(node, ast.Name):
            return self._name(node, scope, depth)
        if isinstance(node, ast.JoinedStr):  # f-strings, implicitly concatenated ones included
            return self._fstring(node, scope, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._join([node.left, node.right], scope, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.template(node.left, scope, depth + 1)
            if left is None:
                return None
            return left[0], left[1] or not self.constant(node.right, scope)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            return self._method(node, scope, depth)
        return None

    def constant(self, node: ast.expr | None, scope: int) -> bool:
        """Constant, or a tuple/list/dict of constants (``%`` operands)."""
        if isinstance(node, (ast.Tuple, ast.List)):
            return all(not isinstance(e, ast.Starred) and self.constant(e, scope)
                       for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(key is not None and self.constant(value, scope)  # None key: **other
                       for key, value in zip(node.keys, node.values))
        if self.flow.constant(node, scope) is not NOT_LITERAL or _placeholders(node):
            return True
        found = self.template(node, scope, 1) if isinstance(node, ast.Name) else None
        return found is not None and not found[1]

    def _name(self, node: ast.Name, scope: int, depth: int) -> tuple[str, bool] | None:
        line = node.lineno
        augments = [v for at, v in self.module.augmented.get((scope, node.id), []) if at < line]
        values = [v for v in self.module.bound.get((scope, node.id), []) if v is not None
                  and v.lineno < line]
        if augments and values:  # q = "SELECT ..."; q += " WHERE x = " + y
            return self._join([values[-1], *augments], scope, depth)
        origin = self.flow.origin(node, scope)
        if origin is None or origin is node:
            return None
        if _placeholders(origin):
            return "%s", False
        return self.template(origin, scope, depth + 1)

    def _fstring(self, node: ast.JoinedStr, scope: int, depth: int) -> tuple[str, bool]:
        text, dynamic = [], False
        for part in node.values:
            if not isinstance(part, ast.FormattedValue):  # literal text
                text.append(part.value if isinstance(part, ast.Constant) else "")
                continue
            value = self.flow.constant(part.value, scope)
            if value is not NOT_LITERAL or _placeholders(part.value):
                text.append("%s" if value is NOT_LITERAL else str(value))
                continue
            sub = self.template(part.value, scope, depth + 1)
            text.append(HOLE if sub is None else sub[0])
            dynamic = dynamic or sub is None or sub[1]
        return "".join(text), dynamic

    def _join(self, parts: list[ast.expr], scope: int, depth: int) -> tuple[str, bool] | None:
        found = [self.template(p, scope, depth + 1) for p in parts]
        if all(f is None for f in found):
            return None
        text = "".join(HOLE if f is None else f[0] for f in found)
        return text, any(f is None or f[1] for f in found)

    def _method(self, node: ast.Call, scope: int, depth: int) -> tuple[str, bool] | None:
        if node.func.attr != "format":
            return None
        base = self.template(node.func.value, scope, depth + 1)
        if base is None:
            return None
        arguments = [a.value if isinstance(a, ast.Starred) else a for a in node.args]
        arguments += [k.value for k in node.keywords]
        dynamic = base[1] or not all(self.constant(a, scope) for a in arguments)
        return base[0], dynamic


def from_request(module: PythonModule, node: ast.expr | None, scope: int) -> str:
    """The request read that ``node`` carries (``request.body``), following names bound in
    the same function; "" when none is visible."""
    found = flow(module)
    pending, seen = [node], 0
    while pending and seen < 16:
        current = pending.pop()
        seen += 1
        if current is None:
            continue
        match = _REQUEST.search(module.code(current))
        if match:
            return match.group(0)
        for name in _names(current):
            origin = found.origin(name, scope)
            if origin is not None and origin is not name:
                pending.append(origin)
    return ""


def _names(node: ast.AST) -> list[ast.Name]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Name):
            out.append(current)
        elif isinstance(current, ast.Attribute):
            stack.append(current.value)  # a.b: only "a" is a variable
        else:
            stack.extend(ast.iter_child_nodes(current))
    return out


def _placeholders(node: ast.expr | None) -> bool:
    """``", ".join(["%s"] * n)`` / ``",".join("?" for _ in ids)``: bind markers only."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "join" and _is_string(node.func.value)
            and len(node.args) == 1 and not node.keywords):
        return False
    arg = node.args[0]
    if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
        return _is_string(arg.elt)
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mult):
        seq = arg.left if isinstance(arg.left, (ast.List, ast.Tuple)) else arg.right
        return isinstance(seq, (ast.List, ast.Tuple)) and all(_is_string(e) for e in seq.elts)
    return False


def _is_string(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def item_assignments(module: PythonModule) -> Iterator[tuple[str, object, ast.expr,
                                                             ast.Subscript]]:
    """``<expr>[<literal key>] = value`` anywhere: (expr as written, key, value, target)."""
    stack: list[ast.AST] = [module.module]
    while stack:  # source order (ast.walk is breadth-first), without recursion
        node = stack.pop()
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
        if isinstance(node, ast.Assign):
            for item in node.targets:
                if isinstance(item, ast.Subscript) and not isinstance(item.slice,
                                                                      (ast.Slice, ast.Tuple)):
                    key = module.literal(item.slice)
                    yield module.code(item.value), key, node.value, item
