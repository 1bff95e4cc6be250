"""Django models and migrations for the ORM front end (conventions: scanner.parsers.orm)."""

from __future__ import annotations

import dataclasses

import ast

from scanner.model.schema import Column, Table
from scanner.parsers.orm import (
    OrmContext,
    arg,
    assigned_names,
    assigned_target,
    class_statements,
    dotted,
    hint_for,
    join_labels,
    rename_column,
    unique,
)

_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model", "models.Model"})

# What django.contrib.auth adds to a custom user model (Django 4.2-5.x), with Django's own verbose
# names: (column, data_type, verbose_name, null, hints). Django stores ``password`` through its
# password hashers (PBKDF2 by default), never in plaintext.
_BASE_USER = (
    ("password", "CharField(128)", "password", False, ("framework:django-password",)),
    ("last_login", "DateTimeField", "last login", True, ()),
)
_ABSTRACT_USER = _BASE_USER + (
    ("is_superuser", "BooleanField", "superuser status", False, ()),  # from PermissionsMixin
    ("username", "CharField(150)", "username", False, ()),
    ("first_name", "CharField(150)", "first name", False, ()),
    ("last_name", "CharField(150)", "last name", False, ()),
    ("email", "EmailField(254)", "email address", False, ()),
    ("is_staff", "BooleanField", "staff status", False, ()),
    ("is_active", "BooleanField", "active", False, ()),
    ("date_joined", "DateTimeField", "date joined", False, ()),
)
_USER_BASES = {"AbstractBaseUser": _BASE_USER, "AbstractUser": _ABSTRACT_USER}
_PASSWORD_HINT = "framework:django-password"

# Relation fields take the related model first (verbose_name is keyword-only there) and store
# ``<name>_id``; the others here add no column to the model's own table.
_RELATIONS = frozenset({"ForeignKey", "OneToOneField"})
_NO_COLUMN = frozenset({"ManyToManyField", "GenericRelation", "GenericForeignKey"})


# -- fields ----------------------------------------------------------------------------------------
def field_column(ctx: OrmContext, value: ast.AST | None, attr: str | None,
                 where_node: ast.AST, where_end: ast.AST | None = None) -> Column | None:
    """A Django field call -> its Column; None when ``value`` is not a field that has a column."""
    if not isinstance(value, ast.Call) or not attr:
        return None
    if "encrypt" in ctx.leaves(value):  # django-cryptography: encrypt(models.CharField(...))
        column = field_column(ctx, arg(value, 0, "base_field"), attr, where_node, where_end)
        if column is not None:
            column.protection_hints = unique(["orm:encrypt", *column.protection_hints])
        return column
    cls = ctx.type_name(value)
    if cls in _NO_COLUMN or not (cls.endswith("Field") or cls in _RELATIONS or hint_for(cls)):
        return None
    relation = cls in _RELATIONS
    null_arg = arg(value, None, "null")
    # Django columns are NOT NULL unless null=True; an expression leaves it unknown.
    null = ctx.literal(null_arg) if null_arg is not None else False
    default = arg(value, None, "default") or arg(value, None, "db_default")
    hint = hint_for(cls)
    return Column(
        name=ctx.text(arg(value, None, "db_column")) or (f"{attr}_id" if relation else attr),
        data_type=_field_type(ctx, value, cls),
        comment=join_labels([ctx.text(arg(value, None if relation else 0, "verbose_name")),
                             ctx.text(arg(value, None, "help_text")),
                             ctx.text(arg(value, None, "db_comment"))]),
        default=ctx.code(default),
        nullable=null if isinstance(null, bool) else None,
        primary_key=ctx.literal(arg(value, None, "primary_key")) is True,
        location=ctx.location(where_node, where_end),
        protection_hints=[hint] if hint else [],
    )


def _field_type(ctx: OrmContext, call: ast.Call, cls: str) -> str:
    """``CharField(18)``, ``DecimalField(10,2)``, ``EmailField``: the class and its size."""
    size = ctx.literal(arg(call, None, "max_length"))
    if isinstance(size, int) and not isinstance(size, bool):
        return f"{cls}({size})"
    digits = ctx.literal(arg(call, None, "max_digits"))
    places = ctx.literal(arg(call, None, "decimal_places"))
    if isinstance(digits, int) and isinstance(places, int):
        return f"{cls}({digits},{places})"
    return cls


def _copy(column: Column) -> Column:
    return dataclasses.replace(column, protection_hints=list(column.protection_hints))


# -- model classes ---------------------------------------------------------------------------------
def parse_models(ctx: OrmContext, classes: dict[str, ast.ClassDef]) -> set[str]:
    """Tables for the Django models of the file; returns every class it took as a Django model
    (abstract ones included) so that the SQLAlchemy front end leaves them alone."""
    models = _Models(ctx, classes)
    claimed = [name for name in classes if models.is_model(name)]  # source order: deterministic
    for name in claimed:
        meta = models.meta(name)
        if ctx.literal(meta.get("abstract")) is True or ctx.literal(meta.get("proxy")) is True:
            continue  # abstract: fields go to subclasses; proxy: same table as its parent
        cls = classes[name]
        table = Table(
            name=ctx.text(meta.get("db_table")) or name.lower(),
            comment=join_labels([ctx.text(meta.get("verbose_name")),
                                 ctx.text(meta.get("db_table_comment"))]),
            kind="model",
            location=ctx.name_location(cls),
        )
        for column in models.fields(name).values():
            table.add_column(_copy(column))
        ctx.model.add_table(table)
    return set(claimed)


class _Models:
    """Inheritance inside one file: which classes are models, and the fields each one has."""

    def __init__(self, ctx: OrmContext, classes: dict[str, ast.ClassDef]) -> None:
        self.ctx = ctx
        self.classes = classes
        self._is_model: dict[str, bool] = {}
        self._fields: dict[str, dict[str, Column]] = {}

    def local_bases(self, name: str) -> list[str]:
        bases = (dotted(base) for base in self.classes[name].bases)
        return [b for b in bases if b in self.classes and b != name]

    def is_model(self, name: str) -> bool:
        if name not in self._is_model:
            self._is_model[name] = False  # guards against inheritance cycles
            self._is_model[name] = self._derives_from_model(name)
        return self._is_model[name]

    def _derives_from_model(self, name: str) -> bool:
        cls = self.classes[name]
        for base in cls.bases:
            names = self.ctx.names(base)
            if names & _MODEL_BASES or any(n.startswith("django.") and n.endswith(".Model")
                                           for n in names):
                return True
            if self.ctx.type_name(base) in _USER_BASES:
                return True
        if any(self.is_model(b) for b in self.local_bases(name)):
            return True
        # A base imported from elsewhere (core.models.BaseModel) with django.db.models fields.
        return bool(cls.bases) and any(_is_django_field_call(self.ctx, stmt)
                                       for stmt in class_statements(cls))

    def meta(self, name: str) -> dict[str, ast.expr]:
        out: dict[str, ast.expr] = {}
        for stmt in class_statements(self.classes[name]):
            if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
                for inner in class_statements(stmt):
                    for attr in assigned_names(inner):
                        if inner.value is not None:  # type: ignore[attr-defined]
                            out[attr] = inner.value  # type: ignore[attr-defined]
        return out

    def fields(self, name: str) -> dict[str, Column]:
        """Field attribute -> Column, abstract bases first; a subclass overrides by attribute."""
        if name in self._fields:
            return self._fields[name]
        self._fields[name] = {}  # cycle guard
        out: dict[str, Column] = {}
        for base in reversed(self.classes[name].bases):
            local = dotted(base)
            if local in self.classes and local != name:
                if _abstract(self.ctx, self.meta(local)):
                    out.update(self.fields(local))  # concrete parents keep their own table
            elif (user := _USER_BASES.get(self.ctx.type_name(base))) is not None:
                out.update(_user_columns(self.ctx, base, user))
        for stmt in class_statements(self.classes[name]):
            for attr in assigned_names(stmt):
                value = getattr(stmt, "value", None)
                if self.ctx.literal(value) is None:
                    out.pop(attr, None)  # `username = None` removes an inherited field
                    continue
                column = field_column(self.ctx, value, attr, assigned_target(stmt), value)
                if column is not None:
                    out[attr] = column
        self._fields[name] = out
        return out


def _abstract(ctx: OrmContext, meta: dict[str, ast.expr]) -> bool:
    return ctx.literal(meta.get("abstract")) is True


def _is_django_field_call(ctx: OrmContext, stmt: ast.AST) -> bool:
    value = getattr(stmt, "value", None)
    return (isinstance(value, ast.Call)
            and any(n.startswith("django.db.models.") for n in ctx.names(value))
            and field_column(ctx, value, "x", value) is not None)


def _user_columns(ctx: OrmContext, base: ast.AST, spec) -> dict[str, Column]:
    where = ctx.location(base)
    return {
        name: Column(name=name, data_type=data_type, comment=label, nullable=null,
                     location=where, protection_hints=list(hints))
        for name, data_type, label, null, hints in spec
    }


# -- migrations ------------------------------------------------------------------------------------
def migration_op(ctx: OrmContext, call: ast.Call, _batch: dict) -> bool:
    """One ``migrations.<Operation>(...)``; True when it was one."""
    handler = _OPERATIONS.get(ctx.type_name(call))
    if handler is None or not any(n.startswith(("django.db.migrations.", "migrations."))
                                  for n in ctx.names(call)):
        return False
    handler(ctx, call)
    return True


def _models_of(ctx: OrmContext) -> dict[str, Table]:
    """Model name (lower-cased) -> its table, for the operations of this one migration file."""
    return ctx.state.setdefault("django_models", {})


def _model_table(ctx: OrmContext, model_name: str, call: ast.Call) -> Table:
    """The table of a model; one created by an earlier migration is stubbed where first touched."""
    models = _models_of(ctx)
    key = model_name.lower()
    if key not in models:
        models[key] = ctx.table(key, ctx.location(call), "model")
    return models[key]


def _create_model(ctx: OrmContext, call: ast.Call) -> None:
    name = ctx.text(arg(call, 0, "name"))
    if not name:
        return
    options = _dict_items(ctx, arg(call, 2, "options"))
    if ctx.literal(options.get("abstract")) is True or ctx.literal(options.get("proxy")) is True:
        return
    table = Table(
        name=ctx.text(options.get("db_table")) or name.lower(),
        comment=join_labels([ctx.text(options.get("verbose_name")),
                             ctx.text(options.get("db_table_comment"))]),
        kind="model",
        location=ctx.location(call),
    )
    fields = arg(call, 1, "fields")
    for pair in getattr(fields, "elts", ()):
        if isinstance(pair, ast.Tuple) and len(pair.elts) >= 2:
            name_node = pair.elts[0]
            column = field_column(ctx, pair.elts[1], ctx.text(name_node), name_node, pair)
            if column is not None:
                table.add_column(column)
    _mark_user_password(table)
    _models_of(ctx)[name.lower()] = ctx.model.add_table(table)


def _mark_user_password(table: Table) -> None:
    """A migrated custom user model lists AbstractBaseUser's fields one by one; its ``password``
    (CharField(128) beside ``last_login``) is still stored through Django's hashers."""
    password = table.get_column("password")
    if (password is not None and password.data_type == "CharField(128)"
            and table.get_column("last_login") is not None):
        password.protection_hints = unique([*password.protection_hints, _PASSWORD_HINT])


def _add_field(ctx: OrmContext, call: ast.Call) -> None:
    """AddField and AlterField: the column is (re)defined in place."""
    model, name_node = ctx.text(arg(call, 0, "model_name")), arg(call, 1, "name")
    if not model or name_node is None:
        return
    column = field_column(ctx, arg(call, 2, "field"), ctx.text(name_node), name_node)
    if column is None:
        return
    table = _model_table(ctx, model, call)
    old = _field(table, ctx.text(name_node))
    if old is None:
        table.add_column(column)
        return
    columns = [column if c is old else c for c in table.columns.values()]
    table.columns.clear()
    for c in columns:
        table.add_column(c)


def _rename_field(ctx: OrmContext, call: ast.Call) -> None:
    model = ctx.text(arg(call, 0, "model_name"))
    old, new = ctx.text(arg(call, 1, "old_name")), ctx.text(arg(call, 2, "new_name"))
    if model and old and new:
        table = _model_table(ctx, model, call)
        column = _field(table, old)
        if column is not None:
            rename_column(table, column, f"{new}_id" if column.name == f"{old}_id" else new)


def _remove_field(ctx: OrmContext, call: ast.Call) -> None:
    model, name = ctx.text(arg(call, 0, "model_name")), ctx.text(arg(call, 1, "name"))
    if model and name:
        table = _model_table(ctx, model, call)
        column = _field(table, name)
        if column is not None:
            table.columns.pop(column.name.lower(), None)


def _delete_model(ctx: OrmContext, call: ast.Call) -> None:
    name = ctx.text(arg(call, 0, "name"))
    if name and (table := _models_of(ctx).pop(name.lower(), None)) is not None:
        ctx.drop_table(table)


def _alter_model_table(ctx: OrmContext, call: ast.Call) -> None:
    name, new = ctx.text(arg(call, 0, "name")), ctx.text(arg(call, 1, "table"))
    if name and new:
        ctx.rename_table(_model_table(ctx, name, call), new)


def _rename_model(ctx: OrmContext, call: ast.Call) -> None:
    old, new = ctx.text(arg(call, 0, "old_name")), ctx.text(arg(call, 1, "new_name"))
    table = _models_of(ctx).pop((old or "").lower(), None)
    if table is not None and new:
        _models_of(ctx)[new.lower()] = table
        if table.name == old.lower():  # named after the model, not by db_table
            ctx.rename_table(table, new.lower())


def _field(table: Table, name: str | None) -> Column | None:
    """A field's column: ``name``, or ``name_id`` for a relation."""
    if not name:
        return None
    return table.get_column(name) or table.get_column(f"{name}_id")


def _dict_items(ctx: OrmContext, expr: ast.AST | None) -> dict[str, ast.expr]:
    if not isinstance(expr, ast.Dict):
        return {}
    return {key: value for key_node, value in zip(expr.keys, expr.values)
            if key_node is not None and (key := ctx.text(key_node))}


_OPERATIONS = {
    "CreateModel": _create_model,
    "AddField": _add_field,
    "AlterField": _add_field,
    "RenameField": _rename_field,
    "RemoveField": _remove_field,
    "DeleteModel": _delete_model,
    "AlterModelTable": _alter_model_table,
    "RenameModel": _rename_model,
}
