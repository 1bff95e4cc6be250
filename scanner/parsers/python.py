"""Python source -> ``PythonModule``: one stdlib ``ast`` parse and one walk, flattened into lists.

Rules read calls, name references and attribute assignments with their qualified names already
resolved (``import x as y``, ``from x import y as z``, ``import x.y as z``), and the local facts
data-flow rules need (the scope of each call, name bindings, the names a call's value is stored
under), so no rule walks the tree or repeats alias handling. The model states facts only; what is
insecure is for the rules.

Why ``ast`` and not libcst (measured on this project's 2-core machine, see BENCHMARKS.md): libcst
with the position and qualified-name metadata the rules need built about 8 modules/s, ``ast``
plus this walk several hundred; on Django's source tree that was the difference between minutes
and seconds. libcst's extra fidelity (comments, exact whitespace) is not used by any analysis:
suppression comments are read from the text (scanner.suppress) and exact source comes from the
node's byte offsets here.

Conventions: lines are 1-based; columns are 1-based *characters* (``ast`` counts UTF-8 bytes:
converted here); ``end_column`` is exclusive (SARIF style), so ``verify=False`` at the start of a
line spans columns 1..13. Scope ids are ``id()`` of ``FunctionDef``/``AsyncFunctionDef``/
``ClassDef`` nodes, ``MODULE_SCOPE`` (0) for the module. Comprehensions and lambdas belong to the
scope they sit in.
"""

from __future__ import annotations

import ast
import builtins
import re
import warnings
from ast import AST
from functools import partial
from dataclasses import dataclass, field

from scanner.parsers import ParseError

MODULE_SCOPE = 0


class _NotLiteral:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_LITERAL"

    def __bool__(self) -> bool:
        return False


# Returned by ``PythonModule.literal`` for anything that is not a simple literal. Falsy, but
# compare with ``is``: ``False``, ``0`` and ``""`` are literals.
NOT_LITERAL = _NotLiteral()

_BUILTINS = frozenset(dir(builtins))
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_IMPORT, _BUILTIN, _LOCAL = "import", "builtin", "local"


class _Positions:
    """Positions computed on demand from the node: ``ast`` stores lines and UTF-8 byte offsets,
    and turning bytes into character columns is only worth doing for what a rule reports."""

    __slots__ = ()

    @property
    def line(self) -> int:
        return self._first.lineno

    @property
    def column(self) -> int:
        return self._module._column(self._first.lineno, self._first.col_offset)

    @property
    def end_line(self) -> int:
        return self._last.end_lineno

    @property
    def end_column(self) -> int:
        return self._module._column(self._last.end_lineno, self._last.end_col_offset)


@dataclass(frozen=True, slots=True, eq=False)
class CallSite(_Positions):
    """One call. ``qualnames`` resolve imports, builtins and local definitions, e.g.
    ``{"requests.get"}`` for ``fetch(...)`` after ``from requests import get as fetch``,
    ``{"requests.Session.get"}`` for ``rq.Session().get(...)``. A method called on a variable
    bound in the same scope by ``x = f(...)`` or ``with f(...) as x`` also gets
    ``<qualname of f>.<method>`` (``s = requests.Session(); s.get`` -> ``requests.Session.get``).
    Empty when nothing resolves. ``line``/``column``/``end_line``/``end_column`` span the call."""

    qualnames: frozenset[str]
    node: ast.Call = field(repr=False)
    _module: PythonModule = field(repr=False)

    @property
    def callee(self) -> str:
        """The callee as written: "s.get", "requests.get", "ctx.load"."""
        return self._module.code(self.node.func)

    @property
    def _first(self) -> ast.AST:
        return self.node

    _last = _first

    def keyword(self, name: str) -> ast.expr | None:
        for keyword in self.node.keywords:
            if keyword.arg == name:
                return keyword.value
        return None

    def positional(self, index: int) -> ast.expr | None:
        """The value of the index-th positional argument; None when absent, or when a ``*args``
        before it makes its position unknowable."""
        for position, arg in enumerate(self.node.args):
            if isinstance(arg, ast.Starred):
                return None
            if position == index:
                return arg
        return None


@dataclass(frozen=True, slots=True, eq=False)
class NameRef(_Positions):
    """A Name or Attribute that resolves to an imported qualified name ("ssl.CERT_NONE").

    Every such expression is listed, callees of calls included (``ssl._create_unverified_context()``
    gives a CallSite *and* a NameRef), and so are inner parts of a chain (``ssl`` inside
    ``ssl.CERT_NONE``). A node with several possible qualified names (conditional imports) gives
    one NameRef per name; ``node`` tells them apart from distinct expressions. ``compared`` is
    true when the expression is itself an operand of a comparison (``mode == ssl.CERT_NONE``;
    in ``x in (ssl.CERT_NONE, ...)`` it is not: there the operand is the tuple).
    """

    qualname: str
    node: ast.Name | ast.Attribute = field(repr=False)
    compared: bool
    _module: PythonModule = field(repr=False)

    @property
    def _first(self) -> ast.AST:
        return self.node

    _last = _first


@dataclass(frozen=True, slots=True, eq=False)
class AttributeAssign(_Positions):
    """``<expr>.<attribute> = value`` (plain, chained or annotated assignment). Positions run from
    the target's start to the value's end. ``qualnames`` are the target's, resolved as for calls
    (``s.verify`` after ``s = requests.Session()`` -> ``requests.Session.verify``)."""

    attribute: str  # "check_hostname"
    value: ast.expr = field(repr=False)
    qualnames: frozenset[str]
    node: ast.Attribute = field(repr=False)
    _module: PythonModule = field(repr=False)

    @property
    def target(self) -> str:
        """The target as written: "ctx.check_hostname"."""
        return self._module.code(self.node)

    @property
    def _first(self) -> ast.AST:
        return self.node

    @property
    def _last(self) -> ast.AST:
        return self.value


@dataclass
class PythonModule:
    module: ast.Module
    text: str = field(repr=False)
    calls: list[CallSite] = field(default_factory=list)
    refs: list[NameRef] = field(default_factory=list)
    assigns: list[AttributeAssign] = field(default_factory=list)
    imports: frozenset[str] = frozenset()  # top-level module names: {"requests", "ssl"}
    # -- local facts (one walk, see _Walker) -------------------------------------------------
    scope_of: dict[int, int] = field(default_factory=dict, repr=False)  # id(Call) -> scope
    parent: dict[int, int] = field(default_factory=dict, repr=False)  # scope -> enclosing scope
    class_of: dict[int, int] = field(default_factory=dict, repr=False)  # method -> its class
    classes: set[int] = field(default_factory=set, repr=False)
    function_names: frozenset[str] = frozenset()
    # (scope, name) -> the values bound to the name in that scope, in source order; None where
    # the value is unknown (parameters, loop targets, unpacking, ``except ... as``, definitions).
    bound: dict[tuple[int, str], list[ast.expr | None]] = field(default_factory=dict, repr=False)
    # (scope, name) -> [(line, value)] of ``name += value``.
    augmented: dict[tuple[int, str], list[tuple[int, ast.expr]]] = field(default_factory=dict,
                                                                         repr=False)
    # id(Call) -> the names its value is stored under: assignment targets as written, keyword
    # names, string dict keys, the enclosing function's name when returned. Outermost first.
    sinks_of: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # id() of lookup positions (dict keys, subscript indexes), and for each value stored under a
    # key (``{k: v}``, ``t[k] = v``) that key: translation tables, not selections.
    keys: set[int] = field(default_factory=set, repr=False)
    key_of: dict[int, ast.expr] = field(default_factory=dict, repr=False)
    _lines: list[str] = field(default_factory=list, repr=False)

    def code(self, node: ast.AST | None) -> str:
        """The node's source as written (empty for a node without a position)."""
        if node is None or getattr(node, "end_lineno", None) is None:
            return ""
        first, last = node.lineno, node.end_lineno
        if first == last:
            return _slice(self._line(first), node.col_offset, node.end_col_offset)
        parts = [_slice(self._line(first), node.col_offset, None)]
        parts.extend(self._line(n) for n in range(first + 1, last))
        parts.append(_slice(self._line(last), 0, node.end_col_offset))
        return "".join(parts)

    def span(self, node: ast.AST | None) -> tuple[int, int, int, int] | None:
        """(line, column, end_line, end_column) of any positioned node, 1-based characters."""
        if node is None or getattr(node, "end_lineno", None) is None:
            return None
        return (node.lineno, self._column(node.lineno, node.col_offset),
                node.end_lineno, self._column(node.end_lineno, node.end_col_offset))

    def name_span(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
                  ) -> tuple[int, int, int]:
        """(line, column, end_column) of a class's or function's name, which ``ast`` does not
        position; the ``class``/``def`` line itself when the name is not found on it."""
        text = self._line(node.lineno)
        found = re.search(rf"\b(?:class|def)\s+({re.escape(node.name)})\b", text)
        if found is None:
            return node.lineno, self._column(node.lineno, node.col_offset), len(text) + 1
        return node.lineno, found.start(1) + 1, found.end(1) + 1

    def literal(self, node: ast.AST | None) -> object:
        """The value of a simple literal (True/False/None, numbers, strings, tuples of those);
        ``NOT_LITERAL`` for anything else, f-strings and names included."""
        if not _is_simple_literal(node):
            return NOT_LITERAL
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, MemoryError, RecursionError):
            return NOT_LITERAL

    def _line(self, number: int) -> str:
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def _column(self, line: int, byte_offset: int) -> int:
        text = self._line(line)
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1


def build(text: str, path: str) -> PythonModule:
    """Parse once, walk once; a syntax error (Python 2 included) is a ParseError."""
    text = text.removeprefix("\ufeff")
    try:
        with warnings.catch_warnings():  # invalid escapes etc. are the scanned code's business
            warnings.simplefilter("ignore")
            tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise ParseError(f"Python syntax error: {exc.msg}", exc.lineno or 1) from None
    except ValueError as exc:  # "source code string cannot contain null bytes"
        raise ParseError(f"Python source cannot be parsed: {exc}",
                         text.count("\n", 0, max(text.find("\0"), 0)) + 1) from None
    except (RecursionError, MemoryError):
        raise ParseError("Python source is nested too deeply to parse") from None
    module = PythonModule(module=tree, text=text, _lines=_source_lines(text))
    _Walker(module).run()
    return module


# Characters str.splitlines() breaks at that ``ast`` does not (it knows \r\n, \r and \n only).
_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_AST_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _source_lines(text: str) -> list[str]:
    """Lines as ``ast`` numbers them, line ends kept."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(keepends=True)
    return _AST_LINES.findall(text)


def _slice(line: str, start: int, end: int | None) -> str:
    if line.isascii():
        return line[start:end]
    return line.encode("utf-8")[start:end].decode("utf-8", "replace")


def _is_simple_literal(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is not Ellipsis
    if isinstance(node, ast.UnaryOp):
        return (isinstance(node.op, (ast.USub, ast.UAdd)) and isinstance(node.operand, ast.Constant)
                and type(node.operand.value) in (int, float, complex))
    if isinstance(node, ast.Tuple):
        return all(_is_simple_literal(element) for element in node.elts)
    return False


class _Scope:
    __slots__ = ("id", "kind", "name", "prefix", "outer", "imports", "locals")

    def __init__(self, scope_id: int, kind: str, name: str, prefix: str,
                 outer: _Scope | None) -> None:
        self.id, self.kind, self.name, self.prefix, self.outer = scope_id, kind, name, prefix, outer
        self.imports: dict[str, set[str]] = {}  # name -> qualified names it was imported as
        self.locals: set[str] = set()  # names bound otherwise (assignment, def, parameter...)


class _Walker:
    """One iterative pass (deeply nested code must not overflow Python's stack) that records
    scopes, bindings, sinks and the raw material of calls/refs/assigns; names are resolved at the
    end, when every scope's bindings are known (Python scoping is per function, not per line)."""

    def __init__(self, module: PythonModule) -> None:
        self.m = module
        self.imported_names: set[str] = set()
        self.imports: set[str] = set()
        self.calls: list[tuple[ast.Call, _Scope]] = []
        self.names: list[tuple[ast.Name | ast.Attribute, _Scope]] = []
        self.attribute_targets: list[tuple[ast.Attribute, ast.expr, _Scope]] = []
        self.constructed: list[tuple[ast.expr, ast.Call, _Scope]] = []
        self.compared: set[int] = set()
        self.function_names: set[str] = set()
        # Sinks: names the value of the subtree being walked is stored under (see
        # PythonModule.sinks_of). A handler files them under the child they apply to.
        self.sinks: list[str | None] = []
        self.pending_sinks: dict[int, list[str | None]] = {}
        self.qualnames_cache: dict[int, frozenset[tuple[str, str]]] = {}

    # -- the walk ----------------------------------------------------------------------------
    def run(self) -> None:
        module_scope = _Scope(MODULE_SCOPE, "module", "", "", None)
        # Work items: (node, scope) to visit, or a partial to run when a subtree is done. The
        # hot loop of the whole Python analysis: kept flat on purpose.
        stack: list = [(self.m.module, module_scope)]
        pop, push, handlers, pending = stack.pop, stack.append, _HANDLERS, self.pending_sinks
        while stack:
            item = pop()
            if item.__class__ is partial:
                item()
                continue
            node, scope = item
            if pending:
                names = pending.pop(id(node), None)
                if names:  # the subtree's value is stored under these names until it is done
                    self.sinks.extend(names)
                    push(partial(self._pop_sinks, len(names)))
            kind = node.__class__
            handler = handlers.get(kind)
            inner = handler(self, node, scope) if handler else scope
            fields = _CHILD_FIELDS.get(kind)
            if fields is None:
                fields = _CHILD_FIELDS[kind] = _child_fields(kind)
            for name in fields:  # reversed field order: the stack pops them in source order
                value = getattr(node, name)
                if value.__class__ is list:
                    for child in reversed(value):
                        if isinstance(child, AST) and child.__class__ not in _LEAVES:
                            push((child, inner))
                elif isinstance(value, AST) and value.__class__ not in _LEAVES:
                    push((value, inner))
        self._finish()

    def _pop_sinks(self, count: int) -> None:
        del self.sinks[len(self.sinks) - count:]

    # -- results -----------------------------------------------------------------------------
    def _finish(self) -> None:
        m = self.m
        m.imports = frozenset(self.imports)
        m.function_names = frozenset(self.function_names)
        bindings: dict[str, set[str]] = {}
        for target, call, scope in self.constructed:
            made_by = {name for name, source in self._qualnames(call.func, scope)
                       if source == _IMPORT}
            if not made_by:
                continue
            for name, _source in self._qualnames(target, scope):
                bindings.setdefault(name, set()).update(made_by)

        def through_bindings(names: set[str]) -> frozenset[str]:
            resolved = set(names)
            for name in names:
                receiver, dot, member = name.rpartition(".")
                if dot and receiver in bindings:
                    resolved |= {f"{made_by}.{member}" for made_by in bindings[receiver]}
            return frozenset(resolved)

        for node, scope in self.calls:
            names = {name for name, _source in self._qualnames(node.func, scope)}
            m.calls.append(CallSite(through_bindings(names), node, m))
        for node, scope in self.names:
            if _base_name(node) not in self.imported_names:
                continue
            imported = sorted(n for n, source in self._qualnames(node, scope) if source == _IMPORT)
            if imported:
                compared = id(node) in self.compared
                m.refs.extend(NameRef(q, node, compared, m) for q in imported)
        for target, value, scope in self.attribute_targets:
            names = {name for name, _source in self._qualnames(target, scope)}
            m.assigns.append(AttributeAssign(target.attr, value, through_bindings(names), target, m))

    def _qualnames(self, node: ast.AST, scope: _Scope) -> frozenset[tuple[str, str]]:
        """(qualified name, source) pairs of a Name, an Attribute chain or a call's result."""
        cached = self.qualnames_cache.get(id(node))
        if cached is not None:
            return cached
        if isinstance(node, ast.Name):
            found = self._resolve(node.id, scope)
        elif isinstance(node, ast.Attribute):
            found = frozenset((f"{name}.{node.attr}", source)
                              for name, source in self._qualnames(node.value, scope))
        elif isinstance(node, ast.Call):  # rq.Session().get -> requests.Session.get
            found = self._qualnames(node.func, scope)
        elif isinstance(node, ast.Await):
            found = self._qualnames(node.value, scope)
        else:
            found = frozenset()
        self.qualnames_cache[id(node)] = found
        return found

    def _resolve(self, name: str, scope: _Scope) -> frozenset[tuple[str, str]]:
        current: _Scope | None = scope
        first = True
        while current is not None:
            if first or current.kind != "class":  # a class body is not an enclosing scope
                found = set()
                if name in current.imports:
                    found |= {(q, _IMPORT) for q in current.imports[name]}
                if name in current.locals:
                    found.add((current.prefix + name, _LOCAL))
                if found:
                    return frozenset(found)
            current, first = current.outer, False
        return frozenset({(f"builtins.{name}", _BUILTIN)}) if name in _BUILTINS else frozenset()


# -- per-node handlers -------------------------------------------------------------------------
# Each records what its node says and returns the scope of the node's children.


# Fields that never hold a node worth visiting: expression contexts and operators are singleton
# nodes with nothing below them.
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind"})
_LEAVES = frozenset({ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    return tuple(reversed([name for name in kind._fields if name not in _SKIPPED_FIELDS]))


def _base_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _bind(walker: _Walker, scope: _Scope, name: str, value: ast.expr | None,
          local: bool = True) -> None:
    walker.m.bound.setdefault((scope.id, name), []).append(value)
    if local:
        scope.locals.add(name)


def _bind_target(walker: _Walker, scope: _Scope, target: ast.AST, value: ast.expr | None) -> None:
    if isinstance(target, ast.Name):
        _bind(walker, scope, target.id, value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _bind_target(walker, scope, element, None)  # unpacking: value unknown
    elif isinstance(target, ast.Starred):
        _bind_target(walker, scope, target.value, None)


def _new_scope(walker: _Walker, node: ast.AST, scope: _Scope, kind: str) -> _Scope:
    prefix = f"{scope.prefix}{node.name}." if kind == "class" else \
        f"{scope.prefix}{node.name}.<locals>."
    inner = _Scope(id(node), kind, node.name, prefix, scope)
    walker.m.parent[id(node)] = scope.id
    return inner


def _on_function(walker: _Walker, node: ast.FunctionDef, scope: _Scope) -> _Scope:
    _bind(walker, scope, node.name, None)
    walker.function_names.add(node.name)
    if scope.kind == "class":
        walker.m.class_of[id(node)] = scope.id
    inner = _new_scope(walker, node, scope, "function")
    args = node.args
    for param in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if param is not None:
            _bind(walker, inner, param.arg, None)
    return inner


def _on_class(walker: _Walker, node: ast.ClassDef, scope: _Scope) -> _Scope:
    _bind(walker, scope, node.name, None)
    walker.m.classes.add(id(node))
    return _new_scope(walker, node, scope, "class")


def _on_import(walker: _Walker, node: ast.Import, scope: _Scope) -> _Scope:
    for alias in node.names:
        walker.imports.add(alias.name.split(".")[0])
        if alias.asname:  # import a.b as c: c is a.b
            scope.imports.setdefault(alias.asname, set()).add(alias.name)
            walker.imported_names.add(alias.asname)
            _bind(walker, scope, alias.asname, None, local=False)
        else:  # import a.b: binds a
            top = alias.name.split(".")[0]
            scope.imports.setdefault(top, set()).add(top)
            walker.imported_names.add(top)
    return scope


def _on_import_from(walker: _Walker, node: ast.ImportFrom, scope: _Scope) -> _Scope:
    base = "." * node.level + (node.module or "")
    if not node.level and node.module:
        walker.imports.add(node.module.split(".")[0])
    for alias in node.names:
        if alias.name == "*":
            continue
        bound_as = alias.asname or alias.name
        qualname = f"{base}.{alias.name}" if node.module else f"{base}{alias.name}"
        scope.imports.setdefault(bound_as, set()).add(qualname)
        walker.imported_names.add(bound_as)
        if alias.asname:
            _bind(walker, scope, alias.asname, None, local=False)
    return scope


def _on_assign(walker: _Walker, node: ast.Assign, scope: _Scope) -> _Scope:
    m = walker.m
    single = len(node.targets) == 1
    target = node.targets[0]
    if single and isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Slice):
        m.key_of[id(node.value)] = target.slice
    for target in node.targets:
        _bind_target(walker, scope, target, node.value if single else None)
        if isinstance(target, ast.Attribute):
            walker.attribute_targets.append((target, node.value, scope))
    if single and isinstance(_unawait(node.value), ast.Call):
        walker.constructed.append((target, _unawait(node.value), scope))
    walker.pending_sinks[id(node.value)] = [m.code(t) for t in node.targets]
    return scope


def _on_ann_assign(walker: _Walker, node: ast.AnnAssign, scope: _Scope) -> _Scope:
    _bind_target(walker, scope, node.target, node.value)
    if node.value is not None:
        if isinstance(node.target, ast.Attribute):
            walker.attribute_targets.append((node.target, node.value, scope))
        if isinstance(_unawait(node.value), ast.Call):
            walker.constructed.append((node.target, _unawait(node.value), scope))
        walker.pending_sinks[id(node.value)] = [walker.m.code(node.target)]
    return scope


def _on_aug_assign(walker: _Walker, node: ast.AugAssign, scope: _Scope) -> _Scope:
    _bind_target(walker, scope, node.target, None)
    if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
        walker.m.augmented.setdefault((scope.id, node.target.id), []).append(
            (node.lineno, node.value))
    walker.pending_sinks[id(node.value)] = [walker.m.code(node.target)]
    return scope


def _on_for(walker: _Walker, node: ast.For, scope: _Scope) -> _Scope:
    _bind_target(walker, scope, node.target, None)
    return scope


def _on_with_item(walker: _Walker, node: ast.withitem, scope: _Scope) -> _Scope:
    if node.optional_vars is not None:  # with f(...) as x: x is f's sink, and made by f
        _bind_target(walker, scope, node.optional_vars, None)
        if isinstance(_unawait(node.context_expr), ast.Call):
            walker.constructed.append((node.optional_vars, _unawait(node.context_expr), scope))
        walker.pending_sinks[id(node.context_expr)] = [walker.m.code(node.optional_vars)]
    return scope


def _on_except(walker: _Walker, node: ast.ExceptHandler, scope: _Scope) -> _Scope:
    if node.name:
        _bind(walker, scope, node.name, None)
    return scope


def _on_named_expr(walker: _Walker, node: ast.NamedExpr, scope: _Scope) -> _Scope:
    _bind_target(walker, scope, node.target, node.value)
    return scope


def _on_call(walker: _Walker, node: ast.Call, scope: _Scope) -> _Scope:
    walker.calls.append((node, scope))
    walker.m.scope_of[id(node)] = scope.id
    walker.m.sinks_of[id(node)] = tuple(name for name in walker.sinks if name)
    for keyword in node.keywords:
        walker.pending_sinks[id(keyword.value)] = [keyword.arg]
    return scope


def _on_subscript(walker: _Walker, node: ast.Subscript, scope: _Scope) -> _Scope:
    index = node.slice
    if not isinstance(index, ast.Slice):
        walker.m.keys.add(id(index))
        if isinstance(index, ast.Tuple):
            walker.m.keys.update(id(element) for element in index.elts)
    return scope


def _on_dict(walker: _Walker, node: ast.Dict, scope: _Scope) -> _Scope:
    for key, value in zip(node.keys, node.values):
        if key is None:  # {**other}
            continue
        walker.m.keys.add(id(key))
        walker.m.key_of[id(value)] = key
        name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
        walker.pending_sinks[id(value)] = [name]
    return scope


def _on_return(walker: _Walker, node: ast.Return, scope: _Scope) -> _Scope:
    if node.value is not None and scope.kind == "function":
        walker.pending_sinks[id(node.value)] = [scope.name]
    return scope


def _on_compare(walker: _Walker, node: ast.Compare, scope: _Scope) -> _Scope:
    walker.compared.add(id(node.left))
    walker.compared.update(id(comparator) for comparator in node.comparators)
    return scope


def _on_name(walker: _Walker, node: ast.Name, scope: _Scope) -> _Scope:
    if isinstance(node.ctx, ast.Load):
        walker.names.append((node, scope))
    return scope


def _on_attribute(walker: _Walker, node: ast.Attribute, scope: _Scope) -> _Scope:
    walker.names.append((node, scope))
    return scope


def _unawait(node: ast.expr | None) -> ast.expr | None:
    return node.value if isinstance(node, ast.Await) else node


_HANDLERS = {
    ast.FunctionDef: _on_function, ast.AsyncFunctionDef: _on_function, ast.ClassDef: _on_class,
    ast.Import: _on_import, ast.ImportFrom: _on_import_from, ast.Assign: _on_assign,
    ast.AnnAssign: _on_ann_assign, ast.AugAssign: _on_aug_assign, ast.For: _on_for,
    ast.AsyncFor: _on_for, ast.withitem: _on_with_item, ast.ExceptHandler: _on_except,
    ast.NamedExpr: _on_named_expr, ast.Call: _on_call, ast.Subscript: _on_subscript,
    ast.Dict: _on_dict, ast.Return: _on_return, ast.Compare: _on_compare, ast.Name: _on_name,
    ast.Attribute: _on_attribute,
}
