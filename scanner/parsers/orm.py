"""Python ORM models and migrations -> the dialect-neutral ``SchemaModel`` (``source="orm"``).

Front ends: Django models and migrations (``_orm_django``), SQLAlchemy declarative classes,
``Table()``, Flask-SQLAlchemy and Alembic operations (``_orm_sqlalchemy``). All of them read the
shared ``python`` model (one ``ast`` parse per input) and resolve names through its qualified
names, so ``from django.db import models as m`` and ``import sqlalchemy as sa`` work; where a name
cannot be resolved (star imports, a ``db`` object from another module) the name as written counts.

Conventions every front end follows:

- ``Column.data_type`` keeps the ORM's own type name, case preserved, with the size arguments
  that matter for classification: ``CharField(18)``, ``DecimalField(10,2)``, ``String(19)``,
  ``Numeric(10,2)``, ``EmailField``, ``EncryptedType(String(18))``. A wrapper such as
  django-cryptography's ``encrypt(models.CharField(max_length=18))`` takes the inner field's type
  (``CharField(18)``). A 2.0 ``Mapped[str]`` column with no SQL type takes the annotation (``str``).
- ``Column.comment`` joins the labels the ORM keeps with " / ": Django ``verbose_name``,
  ``help_text``, ``db_comment``; SQLAlchemy ``comment``, ``doc`` and the string values of ``info``.
- ``Column.protection_hints`` gets ``orm:<TypeName>`` for every known encrypted or hashed type
  (``ENCRYPTED_TYPES`` and ``HASHED_TYPES`` below; ``hint_meaning`` tells which), ``orm:encrypt``
  for the django-cryptography wrapper, ``orm:binary`` for binary types and
  ``framework:django-password`` for the password Django hashes.
- Locations point at the column's own definition: the attribute assignment in a class, the
  ``Column(...)`` call in ``Table()``/``op.create_table``, the name of a field in a Django
  migration. Columns inherited from ``AbstractUser``/``AbstractBaseUser`` are located at that base
  class in the ``class`` line, since their definition is not in the file.
- Django's real table name is ``<app_label>_<model>``; the app label is not knowable from one
  file, so a model without ``Meta.db_table`` is named after its class, lower-cased.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import ast

from scanner.finding import Location
from scanner.model.schema import Column, SchemaModel, Table
from scanner.parsers._orm_markers import may_define_models
from scanner.parsers.python import NOT_LITERAL, PythonModule
from scanner.parsers.source import InputSource

# Field and column types that store a value encrypted (or, for HASHED_TYPES, hashed), by package.
# A column whose type mentions one of them gets the hint "orm:<Name>". Names only: the same class
# name from another package, or the project's own, means the same thing to a reader.
ENCRYPTED_TYPES: dict[str, tuple[str, ...]] = {
    # django-cryptography: encrypt(<any field>) wraps a field; the hint is "orm:encrypt"
    "django-cryptography": ("encrypt",),
    # django-fernet-fields (fernet_fields.fields)
    "django-fernet-fields": (
        "EncryptedField", "EncryptedTextField", "EncryptedCharField", "EncryptedEmailField",
        "EncryptedIntegerField", "EncryptedDateField", "EncryptedDateTimeField",
    ),
    # django-encrypted-model-fields (encrypted_model_fields.fields)
    "django-encrypted-model-fields": (
        "EncryptedCharField", "EncryptedTextField", "EncryptedEmailField", "EncryptedDateField",
        "EncryptedDateTimeField", "EncryptedIntegerField", "EncryptedPositiveIntegerField",
        "EncryptedBooleanField",
    ),
    # django-mirage-field (mirage.fields)
    "django-mirage-field": (
        "EncryptedCharField", "EncryptedTextField", "EncryptedEmailField",
        "EncryptedIntegerField", "EncryptedURLField", "EncryptedJSONField",
    ),
    # django-pgcrypto-fields (pgcrypto.fields); the other *PGP*KeyField names match the suffixes
    "django-pgcrypto-fields": ("CharPGPSymmetricKeyField", "TextPGPSymmetricKeyField",
                               "EmailPGPSymmetricKeyField", "TextPGPPublicKeyField"),
    # sqlalchemy-utils (sqlalchemy_utils.types.encrypted): the types and their engine arguments
    "sqlalchemy-utils": ("EncryptedType", "StringEncryptedType", "AesEngine", "AesGcmEngine",
                         "FernetEngine"),
}
HASHED_TYPES: dict[str, tuple[str, ...]] = {
    # sqlalchemy-utils PasswordType: passlib hashes (pbkdf2, bcrypt, argon2...)
    "sqlalchemy-utils": ("PasswordType",),
    # django-pgcrypto-fields: digest()/hmac() in the database
    "django-pgcrypto-fields": ("TextDigestField", "TextHMACField"),
}
# Many more packages (django-encrypted-fields, django-searchable-encrypted-fields, in-house fields)
# follow the same naming; a type called Encrypted* or *PGP...KeyField is hinted too.
_ENCRYPTED_PREFIX = "Encrypted"
_ENCRYPTED_SUFFIXES = ("PGPSymmetricKeyField", "PGPPublicKeyField")
# Opaque byte columns: ciphertext or digests as often as not; enrichment decides.
BINARY_TYPES = frozenset({"BinaryField", "LargeBinary", "BLOB", "BINARY", "VARBINARY"})

_PROTECTED_NAMES = frozenset(n for names in (*ENCRYPTED_TYPES.values(), *HASHED_TYPES.values())
                             for n in names)
_HASHED_NAMES = frozenset(n for names in HASHED_TYPES.values() for n in names)

# Django translation wrappers around labels: verbose_name=_("姓名").
_GETTEXT = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext",
                      "pgettext_lazy", "gettext_noop", "ugettext_noop"})


def parse_orm(source: InputSource) -> SchemaModel:
    """The tables and columns that the ORM models and migrations of one Python file declare.

    Unrecognised code is ignored; a syntax error is the python model's ParseError, left to the
    engine to record."""
    model = SchemaModel(dialect="", source="orm")
    text = source.text
    if not may_define_models(text):
        return model
    ctx = OrmContext(source.model("python"), source.path, model)  # ParseError propagates
    # Imported here: the front ends import this module's helpers.
    from scanner.parsers import _orm_django, _orm_sqlalchemy

    classes = top_level_classes(ctx.py.module)
    claimed = _orm_django.parse_models(ctx, classes)
    _orm_sqlalchemy.parse_declarative(ctx, classes, claimed)
    _CallWalker(ctx, (_orm_django.migration_op, _orm_sqlalchemy.table_call,
                      _orm_sqlalchemy.alembic_op)).walk()
    return model


def hint_for(name: str) -> str | None:
    """The protection hint a type or field class name gives, if any."""
    if name in BINARY_TYPES:
        return "orm:binary"
    if (name in _PROTECTED_NAMES or name.startswith(_ENCRYPTED_PREFIX)
            or name.endswith(_ENCRYPTED_SUFFIXES)):
        return f"orm:{name}"
    return None


def hint_meaning(hint: str) -> str | None:
    """What a hint from this front end says, for enrichment: "encrypted", "hashed" or "binary";
    None for a hint that is not an ``orm:`` one."""
    name = hint.removeprefix("orm:")
    if name == hint:
        return None
    if name == "binary":
        return "binary"
    return "hashed" if name in _HASHED_NAMES else "encrypted"


def top_level_classes(module: ast.Module) -> dict[str, ast.ClassDef]:
    """Classes at module level, in source order (models are never nested in practice)."""
    return {stmt.name: stmt for stmt in module.body if isinstance(stmt, ast.ClassDef)}


def class_statements(cls: ast.ClassDef) -> Iterator[ast.stmt]:
    """The statements of a class body: assignments, nested classes (Meta), defs."""
    yield from cls.body


def assigned_names(stmt: ast.AST) -> list[str]:
    """``a = ...`` / ``a: T = ...`` / ``a: T`` -> ["a"]; anything else -> []."""
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


def assigned_target(stmt: ast.Assign | ast.AnnAssign) -> ast.expr:
    """The (first) target of an assignment: where its column is located."""
    return stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target


def join_labels(labels: Iterable[str | None]) -> str:
    seen: list[str] = []
    for label in labels:
        label = (label or "").strip()
        if label and label not in seen:
            seen.append(label)
    return " / ".join(seen)


def dotted(expr: ast.AST | None) -> str | None:
    """``a.b.c`` as written, for a Name/Attribute chain; None for anything else."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        head = dotted(expr.value)
        return f"{head}.{expr.attr}" if head else None
    return None


def arg(call: ast.Call, index: int | None, keyword: str | None = None) -> ast.expr | None:
    """An argument by keyword, else by position (``index=None``: keyword-only)."""
    for a in call.keywords:
        if a.arg is not None and a.arg == keyword:
            return a.value
    if index is None:
        return None
    args = positionals(call)
    return args[index] if index < len(args) else None


def positionals(call: ast.Call) -> list[ast.expr]:
    """Positional arguments up to the first ``*args``."""
    out = []
    for a in call.args:
        if isinstance(a, ast.Starred):
            break
        out.append(a)
    return out


def leaf(name: str) -> str:
    return name.rsplit(".", 1)[-1]


@dataclass
class OrmContext:
    """The python model of one input, with the look-ups the front ends share."""

    py: PythonModule
    path: str
    model: SchemaModel
    _refs: dict[ast.AST, set[str]] = field(default_factory=dict)
    _calls: dict[ast.AST, frozenset[str]] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)  # per-front-end state (migrations)

    def __post_init__(self) -> None:
        for ref in self.py.refs:
            self._refs.setdefault(ref.node, set()).add(ref.qualname)
        self._calls = {site.node: site.qualnames for site in self.py.calls}

    def names(self, expr: ast.AST | None) -> set[str]:
        """Dotted names an expression may stand for: resolved qualified names and the text as
        written. For a call, the names of its callee."""
        if isinstance(expr, ast.Call):
            return self.names(expr.func) | set(self._calls.get(expr, ()))
        out = set(self._refs.get(expr, ()))  # type: ignore[arg-type]
        written = dotted(expr)
        if written:
            out.add(written)
        return out

    def leaves(self, expr: ast.AST | None) -> set[str]:
        return {leaf(n) for n in self.names(expr)}

    def type_name(self, expr: ast.AST | None) -> str:
        """The class a type/field expression names, import-resolved first: ``ECF(...)`` after
        ``from fernet_fields import EncryptedCharField as ECF`` -> "EncryptedCharField"."""
        target = expr.func if isinstance(expr, ast.Call) else expr
        resolved = sorted(self._refs.get(target, ()))  # type: ignore[arg-type]
        if resolved:
            return leaf(resolved[0])
        written = dotted(target)
        return leaf(written) if written else ""

    def text(self, expr: ast.AST | None) -> str | None:
        """A string literal, seen through gettext wrappers: ``_("姓名")`` -> "姓名"."""
        if isinstance(expr, ast.Call) and self.leaves(expr) & _GETTEXT:
            args = positionals(expr)
            expr = args[-1] if args else None
        value = self.py.literal(expr)
        return value if isinstance(value, str) else None

    def literal(self, expr: ast.AST | None) -> object:
        return NOT_LITERAL if expr is None else self.py.literal(expr)

    def code(self, expr: ast.AST | None) -> str | None:
        return None if expr is None else self.py.code(expr)

    def location(self, node: ast.AST, end: ast.AST | None = None) -> Location:
        start = self.py.span(node)
        if start is None:
            return Location(path=self.path)
        stop = self.py.span(end) if end is not None else start
        stop = stop or start
        return Location(path=self.path, line=start[0], column=start[1],
                        end_line=stop[2], end_column=stop[3])

    def name_location(self, node: ast.ClassDef) -> Location:
        """Where a class's name is written (the ``class`` line, decorators aside)."""
        line, column, end_column = self.py.name_span(node)
        return Location(path=self.path, line=line, column=column, end_line=line,
                        end_column=end_column)

    def type_hints(self, expr: ast.AST | None) -> list[str]:
        """Protection hints named anywhere in a type expression (engines are type arguments)."""
        names: list[str] = []
        for node in ast.walk(expr) if expr is not None else ():
            if isinstance(node, ast.Name):
                names.append(node.id)
            elif isinstance(node, ast.Attribute):
                names.append(node.attr)
        return unique(h for h in map(hint_for, names) if h)

    def table(self, name: str, location: Location, kind: str, schema: str | None = None) -> Table:
        """The table of this name in this file's model, created where first seen."""
        found = self.model.find_table(name, schema)
        if found is None:
            found = self.model.add_table(Table(name=name, schema=schema, kind=kind,
                                               location=location))
        return found

    def drop_table(self, table: Table) -> None:
        self.model.tables.pop(table.qualified_name.lower(), None)

    def rename_table(self, table: Table, new_name: str) -> None:
        self.drop_table(table)
        table.name = new_name
        self.model.add_table(table)


def rename_column(table: Table, column: Column, new_name: str) -> None:
    """Rename in place, keeping the column's position."""
    columns = list(table.columns.values())
    column.name = new_name
    table.columns.clear()
    for c in columns:
        table.add_column(c)


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


class _CallWalker:
    """Calls in source order for the order-dependent front ends (migrations, Alembic), with the
    table of each enclosing ``with op.batch_alter_table("t") as batch_op:``. Alembic's
    ``downgrade()`` is skipped: it undoes what the file declares. Reads the python model's call
    list; only statements are walked here, to find those two kinds of block by their lines."""

    def __init__(self, ctx: OrmContext, handlers) -> None:
        self.ctx = ctx
        self.handlers = handlers
        self.skipped: list[tuple[int, int]] = []  # line ranges of downgrade functions
        self.batches: list[tuple[int, int, str, tuple[str, str | None]]] = []  # with blocks

    def walk(self) -> None:
        self._statements(self.ctx.py.module.body)
        for site in self.ctx.py.calls:
            line = site.line
            if any(first <= line <= last for first, last in self.skipped):
                continue
            batch = {alias: table for first, last, alias, table in self.batches
                     if first <= line <= last}
            for handler in self.handlers:
                if handler(self.ctx, site.node, batch):
                    break

    def _statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and stmt.name.startswith("downgrade"):
                self.skipped.append((stmt.lineno, stmt.end_lineno or stmt.lineno))
                continue
            if isinstance(stmt, (ast.With, ast.AsyncWith)):
                self._batch(stmt)
            for name in ("body", "orelse", "finalbody"):
                self._statements(getattr(stmt, name, None) or [])
            for handler in getattr(stmt, "handlers", None) or []:
                self._statements(handler.body)

    def _batch(self, stmt: ast.With | ast.AsyncWith) -> None:
        for item in stmt.items:
            call, alias = item.context_expr, item.optional_vars
            if (isinstance(call, ast.Call) and isinstance(alias, ast.Name)
                    and "batch_alter_table" in self.ctx.leaves(call)):
                name = self.ctx.text(arg(call, 0, "table_name"))
                schema = self.ctx.text(arg(call, 1, "schema"))
                if name:
                    self.batches.append((stmt.lineno, stmt.end_lineno or stmt.lineno, alias.id,
                                         (name, schema)))
