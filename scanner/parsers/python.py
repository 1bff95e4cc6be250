"""Python source -> ``PythonModule``: one libcst parse and one metadata pass, flattened into lists.

Rules read calls, name references and attribute assignments with their qualified names already
resolved (``import x as y``, ``from x import y as z``, ``import x.y as z``), so no rule walks the
CST or repeats alias handling. The model states facts only; what is insecure is for the rules.

Conventions: lines are 1-based; columns are 1-based; ``end_column`` is exclusive (SARIF style),
so ``verify=False`` at the start of a line spans columns 1..13.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node_or_raise
from libcst.metadata import (
    CodeRange,
    MetadataWrapper,
    PositionProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
)

from scanner.parsers import ParseError


class _NotLiteral:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_LITERAL"

    def __bool__(self) -> bool:
        return False


# Returned by ``PythonModule.literal`` for anything that is not a simple literal. Falsy, but
# compare with ``is``: ``False``, ``0`` and ``""`` are literals.
NOT_LITERAL = _NotLiteral()

_LITERAL_LEAVES = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString)
_LITERAL_NAMES = frozenset({"True", "False", "None"})


@dataclass(frozen=True, slots=True)
class CallSite:
    """One call. ``qualnames`` come from libcst's QualifiedNameProvider (import, builtin and
    local sources), e.g. ``{"requests.get"}`` for ``fetch(...)`` after
    ``from requests import get as fetch``, ``{"requests.Session.get"}`` for
    ``rq.Session().get(...)``. One addition: a method called on a variable bound in the same scope
    by ``x = f(...)`` or ``with f(...) as x`` also gets ``<qualname of f>.<method>``
    (``s = requests.Session(); s.get`` -> ``requests.Session.get``), exactly as libcst already
    does for the chained form. Empty when nothing resolves."""

    qualnames: frozenset[str]
    callee: str  # the callee as written: "s.get", "requests.get", "ctx.load"
    node: cst.Call = field(repr=False)
    line: int
    column: int
    end_line: int
    end_column: int

    def keyword(self, name: str) -> cst.BaseExpression | None:
        for arg in self.node.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return arg.value
        return None

    def positional(self, index: int) -> cst.BaseExpression | None:
        """The value of the index-th positional argument; None when absent, or when a ``*args``
        before it makes its position unknowable."""
        position = 0
        for arg in self.node.args:
            if arg.keyword is not None or arg.star == "**":
                continue
            if arg.star == "*":
                return None
            if position == index:
                return arg.value
            position += 1
        return None


@dataclass(frozen=True, slots=True)
class NameRef:
    """A Name or Attribute that resolves to an imported qualified name ("ssl.CERT_NONE").

    Every such expression is listed, callees of calls included (``ssl._create_unverified_context()``
    gives a CallSite *and* a NameRef), and so are inner parts of a chain (``ssl`` inside
    ``ssl.CERT_NONE``). A node with several possible qualified names (conditional imports) gives
    one NameRef per name; ``node`` tells them apart from distinct expressions. ``compared`` is
    true when the expression is itself an operand of a comparison (``mode == ssl.CERT_NONE``,
    ``x in (ssl.CERT_NONE, ...)`` is not: there the operand is the tuple).
    """

    qualname: str
    line: int
    column: int
    end_line: int
    end_column: int
    node: cst.Name | cst.Attribute = field(repr=False)
    compared: bool = False


@dataclass(frozen=True, slots=True)
class AttributeAssign:
    """``<expr>.<attribute> = value`` (plain, chained or annotated assignment). Positions run from
    the target's start to the value's end. ``qualnames`` are the target's, resolved as for calls
    (``s.verify`` after ``s = requests.Session()`` -> ``requests.Session.verify``)."""

    target: str  # as written: "ctx.check_hostname"
    attribute: str  # "check_hostname"
    value: cst.BaseExpression = field(repr=False)
    qualnames: frozenset[str]
    line: int
    column: int
    end_line: int
    end_column: int
    node: cst.Attribute = field(repr=False)


@dataclass
class PythonModule:
    module: cst.Module
    calls: list[CallSite] = field(default_factory=list)
    refs: list[NameRef] = field(default_factory=list)
    assigns: list[AttributeAssign] = field(default_factory=list)
    imports: frozenset[str] = frozenset()  # top-level module names: {"requests", "ssl"}
    _positions: dict[cst.CSTNode, CodeRange] = field(default_factory=dict, repr=False)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def span(self, node: cst.CSTNode) -> tuple[int, int, int, int] | None:
        """(line, column, end_line, end_column) of any node of this module, 1-based."""
        where = self._positions.get(node)
        return None if where is None else _span(where)

    def literal(self, node: cst.CSTNode | None) -> object:
        """The value of a simple literal (True/False/None, numbers, strings, tuples of those);
        ``NOT_LITERAL`` for anything else, f-strings and names other than True/False/None
        included."""
        if not _is_simple_literal(node):
            return NOT_LITERAL
        try:
            # Parenthesised so implicit concatenation and bare tuples spanning lines evaluate.
            return ast.literal_eval(f"(\n{self.code(node)}\n)")
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return NOT_LITERAL


def build(text: str, path: str) -> PythonModule:
    """Parse once, resolve metadata once; a syntax error (Python 2 included) is a ParseError."""
    try:
        module = cst.parse_module(text.removeprefix("\ufeff"))
    except cst.ParserSyntaxError as exc:
        raise ParseError(f"Python syntax error: {exc.message}", exc.raw_line) from None
    except RecursionError:
        raise ParseError("Python source is nested too deeply to parse") from None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    collector = _Collector()
    wrapper.visit(collector)
    return collector.finish(module, wrapper.resolve(PositionProvider))


def _span(where: CodeRange) -> tuple[int, int, int, int]:
    return (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)


def _is_simple_literal(node: cst.CSTNode | None) -> bool:
    if isinstance(node, cst.Name):
        return node.value in _LITERAL_NAMES
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.operator, (cst.Minus, cst.Plus)) and isinstance(
            node.expression, (cst.Integer, cst.Float, cst.Imaginary)
        )
    if isinstance(node, cst.Tuple):
        return all(isinstance(el, cst.Element) and _is_simple_literal(el.value)
                   for el in node.elements)
    if isinstance(node, cst.ConcatenatedString):
        return _is_simple_literal(node.left) and _is_simple_literal(node.right)
    return isinstance(node, _LITERAL_LEAVES)


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider)

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[cst.Call, set[str]]] = []
        self.refs: list[NameRef] = []
        self.assigns: list[tuple[cst.Attribute, cst.BaseExpression, set[str]]] = []
        self.imports: set[str] = set()
        self.compared: set[int] = set()  # id() of the direct operands of comparisons
        # qualified name of a bound variable -> import-resolved qualified names of its constructor
        self.bindings: dict[str, set[str]] = defaultdict(set)

    # -- helpers ---------------------------------------------------------------------------------
    def _names(self, node: cst.CSTNode) -> set[tuple[str, QualifiedNameSource]]:
        return {(q.name, q.source) for q in self.get_metadata(QualifiedNameProvider, node, set())}

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call) or not isinstance(target, (cst.Name, cst.Attribute)):
            return
        made_by = {n for n, src in self._names(value) if src is QualifiedNameSource.IMPORT}
        for name, _src in self._names(target):
            self.bindings[name] |= made_by

    # -- imports ---------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            self.imports.add(get_full_name_for_node_or_raise(alias.name).split(".")[0])
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not node.relative and node.module is not None:
            self.imports.add(get_full_name_for_node_or_raise(node.module).split(".")[0])
        return False

    # -- expressions -----------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append((node, {name for name, _src in self._names(node)}))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self.compared.add(id(node.left))
        self.compared.update(id(target.comparator) for target in node.comparisons)

    def visit_Name(self, node: cst.Name) -> None:
        self._ref(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._ref(node)

    def _ref(self, node: cst.Name | cst.Attribute) -> None:
        imported = sorted(n for n, src in self._names(node) if src is QualifiedNameSource.IMPORT)
        if imported:
            line, col, end_line, end_col = _span(self.get_metadata(PositionProvider, node))
            compared = id(node) in self.compared
            self.refs.extend(NameRef(q, line, col, end_line, end_col, node, compared)
                             for q in imported)

    # -- assignments -----------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assign(target.target, node.value)
        if len(node.targets) == 1:
            self._bind(node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node.target, node.value)
            self._bind(node.target, node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, node.item)

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Attribute):
            self.assigns.append((target, value, {name for name, _src in self._names(target)}))

    # -- result ----------------------------------------------------------------------------------
    def finish(self, module: cst.Module, positions) -> PythonModule:
        def where(start: cst.CSTNode, end: cst.CSTNode) -> tuple[int, int, int, int]:
            first, last = _span(positions[start]), _span(positions[end])
            return (first[0], first[1], last[2], last[3])

        calls = [
            CallSite(frozenset(self._through_bindings(names)), module.code_for_node(node.func),
                     node, *where(node, node))
            for node, names in self.calls
        ]
        assigns = [
            AttributeAssign(module.code_for_node(target), target.attr.value, value,
                            frozenset(self._through_bindings(names)), *where(target, value), target)
            for target, value, names in self.assigns
        ]
        return PythonModule(module=module, calls=calls, refs=self.refs, assigns=assigns,
                            imports=frozenset(self.imports), _positions=dict(positions))

    def _through_bindings(self, names: set[str]) -> set[str]:
        resolved = set(names)
        for name in names:
            receiver, dot, member = name.rpartition(".")
            if dot and receiver in self.bindings:
                resolved |= {f"{made_by}.{member}" for made_by in self.bindings[receiver]}
        return resolved
