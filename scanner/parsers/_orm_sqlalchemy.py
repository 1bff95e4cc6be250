"""SQLAlchemy, Flask-SQLAlchemy and Alembic for the ORM front end (see scanner.parsers.orm)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import ast

from scanner.model.schema import Column, Table
from scanner.parsers.orm import (
    OrmContext,
    arg,
    assigned_names,
    assigned_target,
    class_statements,
    dotted,
    join_labels,
    positionals,
    rename_column,
)

_COLUMN_CALLS = frozenset({"Column", "mapped_column"})
# Positional arguments of Column() that are not its type.
_NOT_TYPES = frozenset({"ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint",
                        "FetchedValue", "DefaultClause", "UniqueConstraint"})
_SIZE_KEYWORDS = ("length", "precision", "scale")
_CLASS_DUNDERS = ("__tablename__", "__table_args__", "__abstract__", "__table__")


# -- columns ---------------------------------------------------------------------------------------
def column_from_call(ctx: OrmContext, call: ast.AST | None, attr: str | None,
                     where: tuple[ast.AST, ast.AST | None] | None = None,
                     annotation: ast.expr | None = None) -> Column | None:
    """``Column(...)`` / ``mapped_column(...)`` -> Column; the name comes from a first positional
    string, else from the attribute it is assigned to."""
    if not isinstance(call, ast.Call) or not ctx.leaves(call) & _COLUMN_CALLS:
        return None
    args = positionals(call)
    name = attr
    if args and (written := ctx.text(args[0])) is not None:
        name, args = written, args[1:]
    name = ctx.text(arg(call, None, "name")) or name
    if not name:
        return None
    type_expr = arg(call, None, "type_") or next((a for a in args if _is_type(ctx, a)), None)
    annotated, optional = _mapped(ctx, annotation)
    primary_key = ctx.literal(arg(call, None, "primary_key")) is True
    nullable = ctx.literal(arg(call, None, "nullable"))
    if not isinstance(nullable, bool):
        # SQLAlchemy: NOT NULL for primary keys and, in 2.0, for a non-Optional Mapped[...].
        nullable = False if primary_key else (optional if annotated else True)
    default = arg(call, None, "default") or arg(call, None, "server_default")
    start, end = where or (call, None)
    return Column(
        name=name,
        data_type=type_text(ctx, type_expr) if type_expr is not None else (annotated or ""),
        comment=join_labels([ctx.text(arg(call, None, "comment")), ctx.text(arg(call, None, "doc")),
                             *_info_labels(ctx, arg(call, None, "info"))]),
        default=ctx.code(default),
        nullable=nullable,
        primary_key=primary_key,
        location=ctx.location(start, end),
        protection_hints=ctx.type_hints(type_expr),
    )


def _is_type(ctx: OrmContext, expr: ast.AST) -> bool:
    """A SQL type as a Column argument: ``String``, ``sa.String(18)``, ``EncryptedType(...)``."""
    if not isinstance(expr, (ast.Name, ast.Attribute, ast.Call)):
        return False
    name = ctx.type_name(expr)
    return bool(name) and name[0].isupper() and name not in _NOT_TYPES and name not in {
        "True", "False", "None"}


def type_text(ctx: OrmContext, expr: ast.AST) -> str:
    """``String(length=18)`` -> "String(18)", ``EncryptedType(String(18), key, AesEngine)`` ->
    "EncryptedType(String(18))": the class, a wrapped type, and integer sizes."""
    name = ctx.type_name(expr) or ctx.code(expr) or ""
    if not isinstance(expr, ast.Call):
        return name
    args = positionals(expr)
    parts = [type_text(ctx, args[0])] if args and _is_type(ctx, args[0]) else []
    sizes = [*args, *(arg(expr, None, kw) for kw in _SIZE_KEYWORDS)]
    parts += [str(v) for a in sizes if a is not None
              and isinstance(v := ctx.literal(a), int) and not isinstance(v, bool)]
    return f"{name}({','.join(parts)})" if parts else name


def _mapped(ctx: OrmContext, annotation: ast.expr | None) -> tuple[str | None, bool]:
    """``Mapped[Optional[str]]`` -> ("str", True); not a Mapped annotation -> (None, False)."""
    expr = annotation
    if not isinstance(expr, ast.Subscript) or "Mapped" not in ctx.leaves(expr.value):
        return None, False
    if isinstance(expr.slice, (ast.Slice, ast.Tuple)):
        return None, False
    return _optional(ctx, expr.slice)


def _optional(ctx: OrmContext, expr: ast.expr) -> tuple[str, bool]:
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        for this, other in ((expr.left, expr.right), (expr.right, expr.left)):
            if _is_none(other):
                return _optional(ctx, this)[0], True
    if isinstance(expr, ast.Subscript) and ctx.leaves(expr.value) & {"Optional", "Union"}:
        inner = expr.slice
        members = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        kept = [m for m in members if not _is_none(m)]
        if len(kept) == 1 and (len(members) == 2 or "Optional" in ctx.leaves(expr.value)):
            return _optional(ctx, kept[0])[0], True
    text = ctx.text(expr)  # Mapped["str"]
    return (text if text is not None else ctx.code(expr) or ""), False


def _is_none(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _info_labels(ctx: OrmContext, expr: ast.AST | None) -> list[str]:
    if not isinstance(expr, ast.Dict):
        return []
    return [text for value in expr.values if (text := ctx.text(value))]


# -- declarative classes ---------------------------------------------------------------------------
@dataclass
class _Class:
    node: ast.ClassDef
    dunders: dict[str, ast.expr] = field(default_factory=dict)
    columns: dict[str, Column] = field(default_factory=dict)  # attribute -> Column, own only
    local_bases: list[str] = field(default_factory=list)
    flask: bool = False  # derives from Flask-SQLAlchemy's db.Model


def parse_declarative(ctx: OrmContext, classes: dict[str, ast.ClassDef], claimed: set[str]) -> None:
    """Tables for declarative classes (``__tablename__``, Flask ``db.Model``); mixins and
    ``__abstract__`` classes give their columns to subclasses in the same file."""
    infos = {name: _read_class(ctx, cls, classes) for name, cls in classes.items()
             if name not in claimed}
    tables: dict[str, Table] = {}
    for name in infos:
        target = _table_of(ctx, name, infos, tables, set())
        if target is None:
            continue
        for column in _columns(name, infos, tables, set()).values():
            target.add_column(dataclasses.replace(
                column, protection_hints=list(column.protection_hints)))


def _read_class(ctx: OrmContext, cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> _Class:
    info = _Class(cls)
    for base in cls.bases:
        local = dotted(base)
        if local in classes and local != cls.name:
            info.local_bases.append(local)
        elif any(n == "db.Model" or n.endswith((".db.Model", "SQLAlchemy.Model"))
                 for n in ctx.names(base)):
            info.flask = True
    for stmt in class_statements(cls):
        for attr in assigned_names(stmt):
            value = getattr(stmt, "value", None)
            if attr in _CLASS_DUNDERS:
                info.dunders[attr] = value
                continue
            annotation = getattr(stmt, "annotation", None)
            target = assigned_target(stmt)
            if value is None:  # `name: Mapped[str]` alone is a column in SQLAlchemy 2.0
                column = _annotation_column(ctx, attr, annotation, target)
            else:
                column = column_from_call(ctx, value, attr, (target, value), annotation)
            if column is not None:
                info.columns[attr] = column
    return info


def _annotation_column(ctx: OrmContext, attr: str, annotation: ast.expr | None,
                       target: ast.AST) -> Column | None:
    data_type, optional = _mapped(ctx, annotation)
    if data_type is None:
        return None
    return Column(name=attr, data_type=data_type, nullable=optional,
                  location=ctx.location(target, annotation))


def _table_of(ctx: OrmContext, name: str, infos: dict[str, _Class], tables: dict[str, Table],
              visiting: set[str]) -> Table | None:
    """The table a class's columns go to: its own, its parent's (single-table inheritance), or
    none (a mixin, an abstract class, a class mapped to an explicit ``__table__``)."""
    if name in tables or name in visiting:
        return tables.get(name)
    visiting.add(name)
    info = infos[name]
    if ctx.literal(info.dunders.get("__abstract__")) is True or "__table__" in info.dunders:
        return None
    flask = _is_flask(name, infos, set())
    parent = next((b for b in info.local_bases if b in infos
                   and _table_of(ctx, b, infos, tables, visiting) is not None), None)
    table_name = ctx.text(info.dunders.get("__tablename__"))
    own_key = any(c.primary_key for c in info.columns.values())
    if table_name is None and flask and (parent is None or own_key):
        table_name = _snake_case(name)  # Flask-SQLAlchemy names the table after the class
    if table_name is None:
        if parent is None:
            return None
        tables[name] = tables[parent]  # single-table inheritance: the parent's table
        return tables[name]
    schema, comment = _table_args(ctx, info.dunders.get("__table_args__"))
    table = Table(name=table_name, schema=schema, comment=comment or "", kind="model",
                  location=ctx.name_location(info.node))
    tables[name] = ctx.model.add_table(table)
    return table


def _is_flask(name: str, infos: dict[str, _Class], seen: set[str]) -> bool:
    seen.add(name)
    info = infos[name]
    return info.flask or any(_is_flask(b, infos, seen) for b in info.local_bases
                             if b in infos and b not in seen)


def _columns(name: str, infos: dict[str, _Class], tables: dict[str, Table],
             seen: set[str]) -> dict[str, Column]:
    """Own columns after those of mixin/abstract bases; a mapped parent keeps its own (joined or
    single-table inheritance), so its columns are not copied."""
    seen.add(name)
    out: dict[str, Column] = {}
    for base in reversed(infos[name].local_bases):
        if base in infos and base not in seen and base not in tables:
            out.update(_columns(base, infos, tables, seen))
    out.update(infos[name].columns)
    return out


def _table_args(ctx: OrmContext, expr: ast.AST | None) -> tuple[str | None, str | None]:
    """``__table_args__`` is a dict, or a tuple whose last element may be one."""
    if isinstance(expr, ast.Tuple) and expr.elts:
        expr = expr.elts[-1]
    if not isinstance(expr, ast.Dict):
        return None, None
    items = {ctx.text(key): value for key, value in zip(expr.keys, expr.values)
             if key is not None}
    return ctx.text(items.get("schema")), ctx.text(items.get("comment"))


def _snake_case(name: str) -> str:
    # Flask-SQLAlchemy 3.x camel_to_snake_case: "UserAddress" -> "user_address".
    return re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name).lower().lstrip("_")


# -- Table() ---------------------------------------------------------------------------------------
def table_call(ctx: OrmContext, call: ast.Call, _batch: dict) -> bool:
    """``Table("name", metadata, Column(...), ..., schema=..., comment=...)`` (``db.Table`` too)."""
    if ctx.type_name(call) != "Table":
        return False
    args = positionals(call)
    name = ctx.text(args[0]) if args else None
    columns = [a for a in args[1:] if isinstance(a, ast.Call) and "Column" in ctx.leaves(a)]
    if not name or not (columns or any(n.startswith("sqlalchemy.") for n in ctx.names(call))):
        return False  # some other library's Table
    table = Table(name=name, schema=ctx.text(arg(call, None, "schema")),
                  comment=ctx.text(arg(call, None, "comment")) or "", kind="table",
                  location=ctx.location(call))
    _fill(ctx, table, columns)
    ctx.model.add_table(table)
    return True


def _fill(ctx: OrmContext, table: Table, calls: list[ast.expr]) -> None:
    """Columns of ``Table()``/``op.create_table``; Alembic names the key in a constraint."""
    for call in calls:
        column = column_from_call(ctx, call, None)
        if column is not None:
            table.add_column(column)
        elif isinstance(call, ast.Call) and ctx.type_name(call) == "PrimaryKeyConstraint":
            for key in positionals(call):
                if (name := ctx.text(key)) and (column := table.get_column(name)) is not None:
                    column.primary_key = True


# -- Alembic ---------------------------------------------------------------------------------------
def alembic_op(ctx: OrmContext, call: ast.Call, batch: dict[str, tuple[str, str | None]]) -> bool:
    """``op.create_table``/``add_column``/``alter_column``/``drop_column``/``drop_table``/
    ``rename_table``, and the same on ``batch_op`` inside ``op.batch_alter_table``."""
    written = dotted(call.func) or ""
    receiver, _, op_name = written.rpartition(".")
    if receiver in batch and op_name in _TABLE_OPS:
        table_name, schema = batch[receiver]
        _TABLE_OPS[op_name](ctx, call, table_name, schema, 0)
        return True
    if not (receiver == "op" or any(n.startswith("alembic.op.") and n.count(".") == 2
                                    for n in ctx.names(call))):
        return False
    op_name = ctx.type_name(call)
    if op_name == "create_table":
        _create_table(ctx, call)
    elif op_name in _TABLE_OPS:
        table_name = ctx.text(arg(call, 0, "table_name")) or ctx.text(arg(call, 0, "old_table_name"))
        if table_name:
            _TABLE_OPS[op_name](ctx, call, table_name, ctx.text(arg(call, None, "schema")), 1)
    return True


def _create_table(ctx: OrmContext, call: ast.Call) -> None:
    args = positionals(call)
    name = ctx.text(args[0]) if args else ctx.text(arg(call, None, "table_name"))
    if not name:
        return
    schema = ctx.text(arg(call, None, "schema"))
    if (old := ctx.model.find_table(name, schema)) is not None:
        ctx.drop_table(old)
    table = Table(name=name, schema=schema, comment=ctx.text(arg(call, None, "comment")) or "",
                  kind="table", location=ctx.location(call))
    _fill(ctx, table, args[1:])
    ctx.model.add_table(table)


# Operations on one table, named by the caller; ``shift`` is 1 for ``op.x("table", ...)`` and 0 on
# a batch_op, whose table is the batch's. A table created in an earlier revision is stubbed only
# when a column is (re)defined in this file.
def _add_column(ctx: OrmContext, call: ast.Call, name: str, schema: str | None, shift: int) -> None:
    column = column_from_call(ctx, arg(call, shift, "column"), None)
    if column is not None:
        ctx.table(name, ctx.location(call), "table", schema).add_column(column)


def _drop_column(ctx: OrmContext, call: ast.Call, name: str, schema: str | None, shift: int) -> None:
    table = ctx.model.find_table(name, schema)
    column = ctx.text(arg(call, shift, "column_name"))
    if table is not None and column:
        table.columns.pop(column.lower(), None)


def _alter_column(ctx: OrmContext, call: ast.Call, name: str, schema: str | None, shift: int) -> None:
    column_name = ctx.text(arg(call, shift, "column_name"))
    table = ctx.model.find_table(name, schema)
    column = table.get_column(column_name) if table is not None and column_name else None
    type_expr = arg(call, None, "type_")
    if column is None:
        if type_expr is None or not column_name:
            return  # nothing known about a column declared elsewhere
        table = ctx.table(name, ctx.location(call), "table", schema)
        column = table.add_column(Column(name=column_name, location=ctx.location(call)))
    if type_expr is not None:
        column.data_type = type_text(ctx, type_expr)
        column.protection_hints = ctx.type_hints(type_expr)
    comment = arg(call, None, "comment")
    if comment is not None and ctx.literal(comment) is not False:  # comment=False: unchanged
        column.comment = ctx.text(comment) or ""
    nullable = ctx.literal(arg(call, None, "nullable"))
    if isinstance(nullable, bool):
        column.nullable = nullable
    if (new := ctx.text(arg(call, None, "new_column_name"))) is not None:
        rename_column(table, column, new)


def _drop_table(ctx: OrmContext, call: ast.Call, name: str, schema: str | None, _shift: int) -> None:
    if (table := ctx.model.find_table(name, schema)) is not None:
        ctx.drop_table(table)


def _rename_table(ctx: OrmContext, call: ast.Call, name: str, schema: str | None, _shift: int) -> None:
    table = ctx.model.find_table(name, schema)
    if table is not None and (new := ctx.text(arg(call, 1, "new_table_name"))):
        ctx.rename_table(table, new)


_TABLE_OPS = {"add_column": _add_column, "drop_column": _drop_column,
              "alter_column": _alter_column, "drop_table": _drop_table,
              "rename_table": _rename_table}
