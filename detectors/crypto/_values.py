"""Scopes, sinks and constant values of one Python module, over the facts the python model's
single walk recorded (scanner.parsers.python): no second pass over the tree.

Reached through ``detectors.crypto._flow.flow``. Constants cover literals, ``b"\\0" * 16``,
``bytes(16)``, ``"k".encode()``, ``bytes.fromhex``/base64 of literals, slices, and names bound to
such (the last binding above the use in its function, else the only one in an enclosing scope).
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

import ast

from scanner.parsers.python import MODULE_SCOPE, NOT_LITERAL

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

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
        self.scope_of: dict[int, int] = module.scope_of  # id(call node) -> scope id
        self.sinks_of: dict[int, tuple[str, ...]] = module.sinks_of
        self.parent: dict[int, int] = module.parent  # scope -> enclosing scope
        self.class_of: dict[int, int] = module.class_of  # function scope -> its class scope
        self.classes: set[int] = module.classes
        self.function_names: frozenset[str] = module.function_names
        # Lookup positions: dict keys and subscript indexes, and for each value stored under a
        # key (``{k: v}``, ``t[k] = v``) that key: translation tables, not selections.
        self.keys: set[int] = module.keys
        self.key_of: dict[int, ast.expr] = module.key_of
        self.bound: dict[tuple[int, str], list[ast.expr | None]] = module.bound

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
                if isinstance(classes, ast.Tuple):
                    tested.update(id(element) for element in classes.elts)
                else:
                    tested.add(id(classes))
        return tested

    # -- where values come from --------------------------------------------------------------
    def origin(self, node: ast.expr | None, scope: int) -> ast.expr | None:
        """The expression a bare name was bound to (the last binding before it in its function,
        else the only one in an enclosing scope); any other expression is its own origin."""
        seen = 0
        while isinstance(node, ast.Name) and seen < 8:
            found = self._binding(node, scope)
            if found is None:
                return None
            node, scope = found
            seen += 1
        return node

    def is_bytes_constant(self, node: ast.expr | None, scope: int) -> bool:
        """True when ``node`` is a non-empty constant str or bytes (a hard-coded key, IV or
        nonce); b"" is how M2Crypto and others spell "no IV"."""
        value = self.constant(node, scope)
        return isinstance(value, (str, bytes)) and len(value) > 0

    def constant(self, node: ast.expr | None, scope: int, depth: int = 0) -> Any:
        """The value of a constant expression, or NOT_LITERAL."""
        if node is None or depth > 8:
            return NOT_LITERAL
        value = self.module.literal(node)
        if value is not NOT_LITERAL:
            return value
        if isinstance(node, ast.Name):
            found = self._binding(node, scope)
            return NOT_LITERAL if found is None else self.constant(found[0], found[1], depth + 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
            left = self.constant(node.left, scope, depth + 1)
            right = self.constant(node.right, scope, depth + 1)
            return _combine(left, right, isinstance(node.op, ast.Add))
        if isinstance(node, ast.Subscript):
            return _sliced(self.constant(node.value, scope, depth + 1), node, self.module)
        if isinstance(node, ast.Call):
            return self._call_constant(node, scope, depth)
        return NOT_LITERAL

    def _call_constant(self, node: ast.Call, scope: int, depth: int) -> Any:
        site = self.sites.get(id(node))
        names = site.qualnames if site else frozenset()
        args = [a for a in node.args if not isinstance(a, ast.Starred)]
        method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if names & {"builtins.bytes", "builtins.bytearray"} and len(args) == 1 and not method:
            size = self.constant(args[0], scope, depth + 1)
            if type(size) is int and 0 <= size <= _MAX_CONSTANT:
                return bytes(size)
            return NOT_LITERAL
        if method == "fromhex" and names & {"builtins.bytes", "builtins.bytearray"}:
            names = frozenset({"builtins.bytes.fromhex"})  # a literal's method: no qualname
        decoder = next((_DECODERS[n] for n in sorted(names) if n in _DECODERS), None)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("encode", "decode"):
            inner = self.constant(node.func.value, scope, depth + 1)
            kind = str if node.func.attr == "encode" else bytes
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

    def _binding(self, name: ast.Name, scope: int) -> tuple[ast.expr, int] | None:
        line = name.lineno
        current: int | None = scope
        first = True
        while current is not None:
            values = self.bound.get((current, name.id), [])
            if first:  # the use's own function: flow-insensitive, the last binding above it
                values = [v for v in values if v is None or v.lineno < line] or values
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


def _sliced(value: Any, node: ast.Subscript, module: PythonModule) -> Any:
    part = node.slice
    if not isinstance(value, (str, bytes)) or not isinstance(part, ast.Slice) or part.step:
        return NOT_LITERAL
    lower = module.literal(part.lower) if part.lower is not None else None
    upper = module.literal(part.upper) if part.upper is not None else None
    if not all(v is None or type(v) is int for v in (lower, upper)):
        return NOT_LITERAL
    return value[lower:upper]
