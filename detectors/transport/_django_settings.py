"""Module-level ``NAME = value`` settings of a Django settings module, for the Django rules.

Reads the libcst module of the python model: every assignment to an upper-case name at module
level, including those nested in module-level ``if``/``try``/``with``/``for`` blocks (marked
conditional), with its literal value (or NOT_LITERAL) and position. Functions and classes are
not settings. What the module cannot show is recorded too: ``from x import *``, ``globals()``
updates, ``exec`` and django-split-settings ``include()`` can all supply settings.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scanner.rule import Option

if TYPE_CHECKING:
    import libcst as cst

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
    import libcst as cst  # the python model already imported both

    from scanner.parsers.python import NOT_LITERAL

    out = SettingsModule()

    def record(target: cst.BaseExpression, value: cst.BaseExpression | None,
               conditional: bool) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                record(element.value, None, conditional)
            return
        if isinstance(target, cst.Name) and target.value.isupper():
            span = pymodule.span(target)
            literal = pymodule.literal(value) if value is not None else NOT_LITERAL
            line, column = (span[0], span[1]) if span else (0, 1)
            out.assignments.setdefault(target.value, []).append(
                Setting(target.value, literal, line, column, conditional))

    def small(statement: cst.BaseSmallStatement, conditional: bool) -> None:
        if isinstance(statement, cst.Assign):
            for target in statement.targets:
                record(target.target, statement.value, conditional)
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            record(statement.target, statement.value, conditional)
        elif isinstance(statement, cst.AugAssign):
            record(statement.target, None, conditional)
        elif isinstance(statement, cst.ImportFrom):
            if isinstance(statement.names, cst.ImportStar):
                out.star_import = True
            else:
                for alias in statement.names:
                    bound = alias.asname.name if alias.asname else alias.name
                    record(bound, None, conditional)  # imported: assigned, value unknown
        elif isinstance(statement, cst.Expr) and _is_dynamic(statement.value):
            out.dynamic = True

    def block(body: cst.BaseSuite | None, conditional: bool) -> None:
        if body is None:
            return
        statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
        for statement in statements:
            visit(statement, conditional)

    def visit(statement: cst.CSTNode, conditional: bool) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for item in statement.body:
                small(item, conditional)
        elif isinstance(statement, cst.SimpleStatementSuite):
            for item in statement.body:
                small(item, conditional)
        elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For, cst.While)):
            block(statement.body, True)
            for extra in ("orelse", "finalbody"):
                part = getattr(statement, extra, None)
                if isinstance(part, cst.If):  # elif
                    visit(part, True)
                elif part is not None:  # else:, finally:
                    block(part.body, True)
            for handler in getattr(statement, "handlers", ()):
                block(handler.body, True)

    for statement in pymodule.module.body:
        visit(statement, False)
    return out


def _is_dynamic(expression: cst.BaseExpression) -> bool:
    import libcst as cst

    call = expression
    while isinstance(call, cst.Call):
        func = call.func
        if isinstance(func, cst.Name) and func.value in _DYNAMIC_CALLS:
            return True
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
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
