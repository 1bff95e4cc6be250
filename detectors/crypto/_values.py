"""Scopes, sinks and constant values of one Python module: one extra pass over the CST.

Reached through ``detectors.crypto._flow.flow``. Constants cover literals, ``b"\\0" * 16``,
``bytes(16)``, ``"k".encode()``, ``bytes.fromhex``/base64 of literals, slices, and names bound to
such (the last binding above the use in its function, else the only one in an enclosing scope).
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

import libcst as cst

from scanner.parsers.python import NOT_LITERAL

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

MODULE_SCOPE = 0
_MAX_CONSTANT = 1 << 16  # b"\0" * 10**9 is no key worth evaluating
_DECODERS = {
    "builtins.bytes.fromhex": bytes.fromhex, "binascii.unhexlify": binascii.unhexlify,
    "binascii.a2b_hex": binascii.a2b_hex, "base64.b64decode": base64.b64decode,
    "base64.standard_b64decode": base64.standard_b64decode,
    "base64.urlsafe_b64decode": base64.urlsafe_b64decode, "base64.b16decode": base64.b16decode,
    "base64.b32decode": base64.b32decode,
}


class Flow:
    def __init__(self, module: PythonModule) -> None:
        self.module = module
        self.sites = {id(c.node): c for c in module.calls}
        walker = _Walker()
        module.module.visit(walker)
        self.scope_of: dict[int, int] = walker.scope_of  # id(call node) -> scope id
        self.sinks_of: dict[int, tuple[str, ...]] = walker.sinks_of
        self.parent: dict[int, int] = walker.parent  # scope -> enclosing scope
        self.class_of: dict[int, int] = walker.class_of  # function scope -> its class scope
        self.classes: set[int] = walker.classes
        self.function_names: frozenset[str] = frozenset(walker.function_names)
        # Lookup positions: dict keys and subscript indexes, and for each value stored under a
        # key (``{k: v}``, ``t[k] = v``) that key: translation tables, not selections.
        self.keys: set[int] = walker.keys
        self.key_of: dict[int, cst.BaseExpression] = walker.key_of
        self.bound: dict[tuple[int, str], list[cst.BaseExpression | None]] = walker.bound

    # -- where things are --------------------------------------------------------------------
    def scope(self, call: CallSite) -> int:
        return self.scope_of.get(id(call.node), MODULE_SCOPE)

    def sinks(self, call: CallSite) -> tuple[str, ...]:
        return self.sinks_of.get(id(call.node), ())

    def calls_in(self, scope: int) -> list[CallSite]:
        return [c for c in self.module.calls if self.scope(c) == scope]

    def calls_in_class(self, scope: int) -> list[CallSite]:
        owner = self.class_of.get(scope)
        if owner is None:
            return self.calls_in(scope)
        return [c for c in self.module.calls if self.class_of.get(self.scope(c)) == owner]

    def type_tests(self) -> set[int]:
        """id() of the classes named in isinstance()/issubclass() calls: tested, not used."""
        tested: set[int] = set()
        for call in self.module.calls:
            if call.qualnames & {"builtins.isinstance", "builtins.issubclass"}:
                classes = call.positional(1)
                if isinstance(classes, cst.Tuple):
                    tested.update(id(element.value) for element in classes.elements)
                else:
                    tested.add(id(classes))
        return tested

    # -- where values come from --------------------------------------------------------------
    def origin(self, node: cst.BaseExpression | None, scope: int) -> cst.BaseExpression | None:
        """The expression a bare name was bound to (the last binding before it in its function,
        else the only one in an enclosing scope); any other expression is its own origin."""
        seen = 0
        while isinstance(node, cst.Name) and seen < 8:
            found = self._binding(node, scope)
            if found is None:
                return None
            node, scope = found
            seen += 1
        return node

    def is_bytes_constant(self, node: cst.BaseExpression | None, scope: int) -> bool:
        """True when ``node`` is a non-empty constant str or bytes (a hard-coded key, IV or
        nonce); b"" is how M2Crypto and others spell "no IV"."""
        value = self.constant(node, scope)
        return isinstance(value, (str, bytes)) and len(value) > 0

    def constant(self, node: cst.BaseExpression | None, scope: int, depth: int = 0) -> Any:
        """The value of a constant expression, or NOT_LITERAL."""
        if node is None or depth > 8:
            return NOT_LITERAL
        value = self.module.literal(node)
        if value is not NOT_LITERAL:
            return value
        if isinstance(node, cst.Name):
            found = self._binding(node, scope)
            return NOT_LITERAL if found is None else self.constant(found[0], found[1], depth + 1)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator,
                                                                (cst.Add, cst.Multiply)):
            left = self.constant(node.left, scope, depth + 1)
            right = self.constant(node.right, scope, depth + 1)
            return _combine(left, right, isinstance(node.operator, cst.Add))
        if isinstance(node, cst.Subscript):
            return _sliced(self.constant(node.value, scope, depth + 1), node, self.module)
        if isinstance(node, cst.Call):
            return self._call_constant(node, scope, depth)
        return NOT_LITERAL

    def _call_constant(self, node: cst.Call, scope: int, depth: int) -> Any:
        site = self.sites.get(id(node))
        names = site.qualnames if site else frozenset()
        args = [a.value for a in node.args if a.keyword is None and not a.star]
        method = node.func.attr.value if isinstance(node.func, cst.Attribute) else ""
        if names & {"builtins.bytes", "builtins.bytearray"} and len(args) == 1 and not method:
            size = self.constant(args[0], scope, depth + 1)
            if type(size) is int and 0 <= size <= _MAX_CONSTANT:
                return bytes(size)
            return NOT_LITERAL
        if method == "fromhex" and names & {"builtins.bytes", "builtins.bytearray"}:
            names = frozenset({"builtins.bytes.fromhex"})  # libcst names the class only
        decoder = next((_DECODERS[n] for n in sorted(names) if n in _DECODERS), None)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("encode", "decode"):
            inner = self.constant(node.func.value, scope, depth + 1)
            kind = str if node.func.attr.value == "encode" else bytes
            if isinstance(inner, kind):
                decoder = (lambda v: v.encode("utf-8", "replace")) if kind is str else (
                    lambda v: v.decode("utf-8", "replace"))
                args = [node.func.value]
        if decoder is None or len(args) != 1:
            return NOT_LITERAL
        raw = self.constant(args[0], scope, depth + 1)
        try:
            return decoder(raw) if isinstance(raw, (str, bytes)) else NOT_LITERAL
        except (ValueError, TypeError, binascii.Error):
            return NOT_LITERAL

    def _binding(self, name: cst.Name, scope: int) -> tuple[cst.BaseExpression, int] | None:
        span = self.module.span(name)
        line = span[0] if span else 0
        current: int | None = scope
        first = True
        while current is not None:
            values = self.bound.get((current, name.value), [])
            if first:  # the use's own function: flow-insensitive, the last binding above it
                values = [v for v in values if v is None or _line(self.module, v) < line] or values
                chosen = values[-1:] if values else []
            else:
                chosen = values if len(values) == 1 else ([None] if values else [])
            if chosen:
                return None if chosen[0] is None else (chosen[0], current)
            current = self.parent.get(current)
            while current in self.classes:
                current = self.parent.get(current)  # methods do not see class-body names
            first = False
        return None


def _line(module: PythonModule, node: cst.CSTNode) -> int:
    span = module.span(node)
    return span[0] if span else 0


def _combine(left: Any, right: Any, add: bool) -> Any:
    try:
        if add and type(left) is type(right) and isinstance(left, (str, bytes, int)):
            value = left + right
        elif not add and {type(left), type(right)} in ({bytes, int}, {str, int}):
            count = left if type(left) is int else right
            if count * len(right if type(left) is int else left) > _MAX_CONSTANT:
                return NOT_LITERAL
            value = left * right
        else:
            return NOT_LITERAL
    except TypeError:
        return NOT_LITERAL
    return value


def _sliced(value: Any, node: cst.Subscript, module: PythonModule) -> Any:
    if not isinstance(value, (str, bytes)) or len(node.slice) != 1:
        return NOT_LITERAL
    part = node.slice[0].slice
    if not isinstance(part, cst.Slice) or part.step is not None:
        return NOT_LITERAL
    lower = module.literal(part.lower) if part.lower is not None else None
    upper = module.literal(part.upper) if part.upper is not None else None
    if not all(v is None or type(v) is int for v in (lower, upper)):
        return NOT_LITERAL
    return value[lower:upper]


class _Walker(cst.CSTVisitor):
    """Scopes, bindings and sinks in one pass. Scope ids are id() of FunctionDef/ClassDef nodes."""

    def __init__(self) -> None:
        super().__init__()
        self.scopes: list[int] = [MODULE_SCOPE]
        self.names: list[str] = [""]  # function names, parallel to scopes
        self.sinks: list[str | None] = []
        self.scope_of: dict[int, int] = {}
        self.sinks_of: dict[int, tuple[str, ...]] = {}
        self.parent: dict[int, int] = {}
        self.class_of: dict[int, int] = {}
        self.classes: set[int] = set()
        self.function_names: set[str] = set()
        self.keys: set[int] = set()
        self.key_of: dict[int, cst.BaseExpression] = {}
        self.bound: dict[tuple[int, str], list[cst.BaseExpression | None]] = {}

    def _bind(self, name: str, value: cst.BaseExpression | None) -> None:
        self.bound.setdefault((self.scopes[-1], name), []).append(value)

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)  # unpacking: value unknown
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)

    # -- scopes ----------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name.value, None)
        self.function_names.add(node.name.value)
        if self.scopes[-1] in self.classes:
            self.class_of[id(node)] = self.scopes[-1]
        self.parent[id(node)] = self.scopes[-1]
        self.scopes.append(id(node))
        self.names.append(node.name.value)
        params = node.params
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self._bind(param.name.value, None)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self._bind(star.name.value, None)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()
        self.names.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value, None)
        self.parent[id(node)] = self.scopes[-1]
        self.classes.add(id(node))
        self.scopes.append(id(node))
        self.names.append("")

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.pop()
        self.names.pop()

    # -- bindings and sinks ----------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target
        if len(node.targets) == 1 and isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            if isinstance(index, cst.Index):
                self.key_of[id(node.value)] = index.value
        for target in node.targets:
            self._bind_target(target.target, node.value if len(node.targets) == 1 else None)
        self.sinks.extend(_code(t.target) for t in node.targets)

    def leave_Assign(self, node: cst.Assign) -> None:
        del self.sinks[len(self.sinks) - len(node.targets):]

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind_target(node.target, node.value)
        self.sinks.append(_code(node.target))

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.sinks.pop()

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)
        self.sinks.append(_code(node.target))

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self.sinks.pop()

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_AsName(self, node: cst.AsName) -> None:  # with ... as x, except ... as x, imports
        self._bind_target(node.name, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:  # with f(...) as x: x is f's sink
        self.sinks.append(_code(node.asname.name) if node.asname else None)

    def leave_WithItem(self, node: cst.WithItem) -> None:
        self.sinks.pop()

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        self.sinks.append(node.keyword.value if node.keyword else None)

    def leave_Arg(self, node: cst.Arg) -> None:
        self.sinks.pop()

    def visit_SubscriptElement(self, node: cst.SubscriptElement) -> None:
        if isinstance(node.slice, cst.Index):
            self.keys.add(id(node.slice.value))

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self.keys.add(id(node.key))
        self.key_of[id(node.value)] = node.key
        key = node.key
        self.sinks.append(key.evaluated_value if isinstance(key, cst.SimpleString)
                          and isinstance(key.evaluated_value, str) else None)

    def leave_DictElement(self, node: cst.DictElement) -> None:
        self.sinks.pop()

    def visit_Return(self, node: cst.Return) -> None:
        self.sinks.append(self.names[-1] or None)

    def leave_Return(self, node: cst.Return) -> None:
        self.sinks.pop()

    def visit_Call(self, node: cst.Call) -> None:
        self.scope_of[id(node)] = self.scopes[-1]
        self.sinks_of[id(node)] = tuple(s for s in self.sinks if s)


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)

