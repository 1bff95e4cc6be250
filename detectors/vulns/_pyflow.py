"""Local data flow for the vulnerability rules: how a string was built, where a value came from.

Imported lazily by the rules (it imports libcst). Builds on the crypto helpers' ``Flow`` (scopes,
name bindings, constants) and adds what they leave out: ``+=`` on a name, string templates with
holes for the non-constant parts, and whether an expression reads request data.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import libcst as cst

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
        walker = _AugWalker(self.flow)
        module.module.visit(walker)
        self.augmented = walker.augmented  # (scope, name) -> [(line, value)]

    def template(self, node: cst.BaseExpression | None, scope: int,
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
        if isinstance(node, cst.Name):
            return self._name(node, scope, depth)
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, scope, depth)
        if isinstance(node, cst.ConcatenatedString):
            return self._join([node.left, node.right], scope, depth)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._join([node.left, node.right], scope, depth)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
            left = self.template(node.left, scope, depth + 1)
            if left is None:
                return None
            return left[0], left[1] or not self.constant(node.right, scope)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return self._method(node, scope, depth)
        return None

    def constant(self, node: cst.BaseExpression | None, scope: int) -> bool:
        """Constant, or a tuple/list/dict of constants (``%`` operands)."""
        if isinstance(node, (cst.Tuple, cst.List)):
            return all(isinstance(e, cst.Element) and self.constant(e.value, scope)
                       for e in node.elements)
        if isinstance(node, cst.Dict):
            return all(isinstance(e, cst.DictElement) and self.constant(e.value, scope)
                       for e in node.elements)
        if self.flow.constant(node, scope) is not NOT_LITERAL or _placeholders(node):
            return True
        found = self.template(node, scope, 1) if isinstance(node, cst.Name) else None
        return found is not None and not found[1]

    def _name(self, node: cst.Name, scope: int, depth: int) -> tuple[str, bool] | None:
        span = self.module.span(node)
        line = span[0] if span else 0
        augments = [v for at, v in self.augmented.get((scope, node.value), []) if at < line]
        values = [v for v in self.flow.bound.get((scope, node.value), []) if v is not None
                  and _line(self.module, v) < line]
        if augments and values:  # q = "SELECT ..."; q += " WHERE x = " + y
            return self._join([values[-1], *augments], scope, depth)
        origin = self.flow.origin(node, scope)
        if origin is None or origin is node:
            return None
        if _placeholders(origin):
            return "%s", False
        return self.template(origin, scope, depth + 1)

    def _fstring(self, node: cst.FormattedString, scope: int,
                 depth: int) -> tuple[str, bool]:
        text, dynamic = [], False
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text.append(part.value)
                continue
            value = self.flow.constant(part.expression, scope)
            if value is not NOT_LITERAL or _placeholders(part.expression):
                text.append("%s" if value is NOT_LITERAL else str(value))
                continue
            sub = self.template(part.expression, scope, depth + 1)
            text.append(HOLE if sub is None else sub[0])
            dynamic = dynamic or sub is None or sub[1]
        return "".join(text), dynamic

    def _join(self, parts: list[cst.BaseExpression], scope: int,
              depth: int) -> tuple[str, bool] | None:
        found = [self.template(p, scope, depth + 1) for p in parts]
        if all(f is None for f in found):
            return None
        text = "".join(HOLE if f is None else f[0] for f in found)
        return text, any(f is None or f[1] for f in found)

    def _method(self, node: cst.Call, scope: int, depth: int) -> tuple[str, bool] | None:
        if node.func.attr.value != "format":
            return None
        base = self.template(node.func.value, scope, depth + 1)
        if base is None:
            return None
        dynamic = base[1] or not all(self.constant(a.value, scope) for a in node.args)
        return base[0], dynamic


def from_request(module: PythonModule, node: cst.BaseExpression | None, scope: int) -> str:
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


def _names(node: cst.CSTNode) -> list[cst.Name]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            out.append(current)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)  # a.b: only "a" is a variable
        else:
            stack.extend(current.children)
    return out


def _placeholders(node: cst.BaseExpression) -> bool:
    """``", ".join(["%s"] * n)`` / ``",".join("?" for _ in ids)``: bind markers only."""
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "join" and isinstance(node.func.value, cst.SimpleString)
            and len(node.args) == 1):
        return False
    arg = node.args[0].value
    if isinstance(arg, (cst.GeneratorExp, cst.ListComp)):
        return isinstance(arg.elt, cst.SimpleString)
    if isinstance(arg, cst.BinaryOperation) and isinstance(arg.operator, cst.Multiply):
        seq = arg.left if isinstance(arg.left, (cst.List, cst.Tuple)) else arg.right
        return isinstance(seq, (cst.List, cst.Tuple)) and all(
            isinstance(e.value, cst.SimpleString) for e in seq.elements)
    return False


def _line(module: PythonModule, node: cst.CSTNode) -> int:
    span = module.span(node)
    return span[0] if span else 0


class _AugWalker(cst.CSTVisitor):
    """``name += value`` per scope (scope ids as in ``Flow``: id() of the FunctionDef)."""

    def __init__(self, found: Flow) -> None:
        super().__init__()
        self.scopes = [0]
        self.augmented: dict[tuple[int, str], list[tuple[int, cst.BaseExpression]]] = {}
        self.flow = found

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(id(node))

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(id(node))

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign):
            line = _line(self.flow.module, node.value)
            self.augmented.setdefault((self.scopes[-1], node.target.value), []).append(
                (line, node.value))


def item_assignments(module: PythonModule) -> list[tuple[str, object, cst.BaseExpression,
                                                         cst.Subscript]]:
    """``<expr>[<literal key>] = value`` anywhere: (expr as written, key, value, target)."""
    walker = _ItemWalker(module)
    module.module.visit(walker)
    return walker.found


class _ItemWalker(cst.CSTVisitor):
    def __init__(self, module: PythonModule) -> None:
        super().__init__()
        self.module = module
        self.found: list[tuple[str, object, cst.BaseExpression, cst.Subscript]] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            item = target.target
            if isinstance(item, cst.Subscript) and len(item.slice) == 1 and isinstance(
                    item.slice[0].slice, cst.Index):
                key = self.module.literal(item.slice[0].slice.value)
                self.found.append((self.module.code(item.value), key, node.value, item))
