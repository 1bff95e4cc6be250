"""Module-level ``NAME = value`` settings of a Django settings module, for the Django rules.

Reads the ``ast`` module of the python model: every assignment to an upper-case name at module
level, including those nested in module-level ``if``/``try``/``with``/``for`` blocks (marked
conditional), with its literal value (or NOT_LITERAL) and position. Functions and classes are
not settings. What the module cannot show is recorded too: ``from x import *``, ``globals()``
updates, ``exec`` and django-split-settings ``include()`` can all supply settings.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner.rule import Option

if TYPE_CHECKING:
    from scanner.parsers.python import PythonModule

# Shared by the Django rules: settings modules that several environments import, where a
# missing setting is expected (the environment module sets it).
BASE_MODULES_OPTION = Option(
    ("base", "common", "defaults", "default", "shared", "_base", "components"),
    "settings module names (without .py) shared by several environments: missing settings "
    "are not reported there",
)

# Names only Django settings modules assign (SECRET_KEY and DEBUG are shared with Flask & co.).
DJANGO_MARKERS = frozenset({"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "WSGI_APPLICATION",
                            "ASGI_APPLICATION", "AUTH_PASSWORD_VALIDATORS"})
_DYNAMIC_CALLS = frozenset({"globals", "locals", "vars", "exec", "setattr", "include"})
# Module-level blocks whose statements may or may not run.
_BLOCKS = (ast.If, ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor,
           ast.While)


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    value: object  # the literal value, or scanner.parsers.python.NOT_LITERAL
    line: int
    column: int
    conditional: bool  # assigned inside a module-level block: may not run


@dataclass
class SettingsModule:
    assignments: dict[str, list[Setting]] = field(default_factory=dict)  # in source order
    star_import: bool = False  # from x import *: any setting may come from there
    dynamic: bool = False  # globals().update, exec, split_settings include(): same

    def final(self, name: str) -> Setting | None:
        """The assignment that decides ``name`` when it is certain: the last one, if it is
        unconditional. None when unassigned or when a conditional assignment comes last."""
        found = self.assignments.get(name)
        return found[-1] if found and not found[-1].conditional else None

    def assigned(self, name: str) -> bool:
        return name in self.assignments

    @property
    def complete(self) -> bool:
        """Whether absence of a setting here means Django's default applies."""
        return not (self.star_import or self.dynamic)

    def debug(self) -> bool | None:
        """DEBUG when it is a literal bool that certainly holds; None when unknown."""
        setting = self.final("DEBUG")
        return setting.value if setting is not None and isinstance(setting.value, bool) else None


def looks_like_settings(path: str, settings: SettingsModule) -> bool:
    """settings.py, a module of a settings/ package, or a module assigning Django-only names;
    test settings (under tests/, or test in the module name) are not deployed and do not count."""
    parts = path.replace("\\", "/").lower().split("/")
    if {"test", "tests"} & set(parts[:-1]) or "test" in module_stem(path):
        return False
    return (parts[-1] == "settings.py" or "settings" in parts[:-1]
            or is_django(settings))


def is_django(settings: SettingsModule) -> bool:
    # Importing django is not enough: every app module does. Settings assign these names.
    return any(settings.assigned(n) for n in DJANGO_MARKERS)


def module_stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path.replace("\\", "/")))[0].lower()


def read_settings(pymodule: PythonModule) -> SettingsModule:
    from scanner.parsers.python import NOT_LITERAL

    out = SettingsModule()

    def add(name: str, value: object, at: tuple[int, int, int, int] | None,
            conditional: bool) -> None:
        if name.isupper():
            line, column = (at[0], at[1]) if at else (0, 1)
            out.assignments.setdefault(name, []).append(
                Setting(name, value, line, column, conditional))

    def record(target: ast.expr, value: ast.expr | None, conditional: bool) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                record(element, None, conditional)
        elif isinstance(target, ast.Starred):
            record(target.value, None, conditional)
        elif isinstance(target, ast.Name):
            literal = pymodule.literal(value) if value is not None else NOT_LITERAL
            add(target.id, literal, pymodule.span(target), conditional)

    def imported(statement: ast.ImportFrom, conditional: bool) -> None:
        for alias in statement.names:
            if alias.name == "*":
                out.star_import = True
                continue
            bound = alias.asname or alias.name
            # The alias spans "name as BOUND": the bound name ends it.
            span = pymodule.span(alias)
            at = (span[2], span[3] - len(bound), span[2], span[3]) if span else None
            add(bound, NOT_LITERAL, at, conditional)  # imported: assigned, value unknown

    def visit(statement: ast.stmt, conditional: bool) -> None:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                record(target, statement.value, conditional)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            record(statement.target, statement.value, conditional)
        elif isinstance(statement, ast.AugAssign):
            record(statement.target, None, conditional)
        elif isinstance(statement, ast.ImportFrom):
            imported(statement, conditional)
        elif isinstance(statement, ast.Expr) and _is_dynamic(statement.value):
            out.dynamic = True
        elif isinstance(statement, _BLOCKS):  # may not run: everything inside is conditional
            handlers = [h.body for h in getattr(statement, "handlers", ())]
            for body in (statement.body, *handlers, getattr(statement, "orelse", ()),
                         getattr(statement, "finalbody", ())):  # an elif is an If in orelse
                for inner in body:
                    visit(inner, True)

    for statement in pymodule.module.body:
        visit(statement, False)
    return out


def _is_dynamic(call: ast.expr) -> bool:
    while isinstance(call, ast.Call):
        func = call.func
        if isinstance(func, ast.Name) and func.id in _DYNAMIC_CALLS:
            return True
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            call = func.value  # globals().update(...): look at globals()
            continue
        return False
    return False


@dataclass(frozen=True, slots=True)
class Requirement:
    """A setting a deployed Django site needs, and what its insecure values are."""

    name: str
    default: str  # Django's default, as written in a settings file
    fix: str  # the assignment to write
    insecure: Callable[[object], bool]


@dataclass
class Problems:
    explicit: list[tuple[Requirement, Setting]] = field(default_factory=list)
    missing: list[Requirement] = field(default_factory=list)
    debug_line: Setting | None = None  # where missing settings are reported: DEBUG = False


def find_problems(pymodule: PythonModule, path: str, requirements: tuple[Requirement, ...],
                  base_modules: tuple[str, ...]) -> Problems:
    """Explicit insecure values in a settings module whose DEBUG is not literally True, and --
    only where absence is certain to mean Django's default: DEBUG literally False, Django
    markers present, no star import or dynamic settings, not a shared base module -- missing
    settings."""
    out = Problems()
    settings = read_settings(pymodule)
    if not looks_like_settings(path, settings) or settings.debug() is True:
        return out
    for requirement in requirements:
        setting = settings.final(requirement.name)
        if setting is not None and requirement.insecure(setting.value):
            out.explicit.append((requirement, setting))
    if (settings.debug() is False and settings.complete and is_django(settings)
            and module_stem(path) not in base_modules):
        out.missing = [r for r in requirements if not settings.assigned(r.name)]
        out.debug_line = settings.final("DEBUG")
    return out


def falsy_literal(value: object) -> bool:
    """A literal that Django reads as off: False, 0, None, ''. Not NOT_LITERAL (env lookups)."""
    from scanner.parsers.python import NOT_LITERAL

    return value is not NOT_LITERAL and not value
