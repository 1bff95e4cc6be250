"""DP434: Django settings hard-code a database password in DATABASES (clause 3.3.5)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext
from scanner.secrets import is_placeholder, length_class

if TYPE_CHECKING:
    from scanner.parsers.python import PythonModule


class DjangoDatabasePassword(Rule):
    """Django settings give a DATABASES entry a literal PASSWORD.

    ``DATABASES = {"default": {..., "PASSWORD": "s3cret"}}`` (also
    ``DATABASES["default"]["PASSWORD"] = "s3cret"``) puts the database password in the source
    tree, its history and every image built from it (clause 3.3.5). Values read at run time
    (``os.environ[...]``, ``os.getenv(...)``, ``env("DB_PASSWORD")``) are not literals and are
    not reported, nor are placeholders (``""``, ``changeme``).
    """

    id = "DP434"
    name = "django-database-password"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Read the password at run time: \"PASSWORD\": os.environ[\"DB_PASSWORD\"] (or "
        "django-environ / a secret manager), and rotate the exposed password."
    )
    references = ("CWE-798", "CWE-259")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("DATABASES",)

    bad = (
        Example('DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql",\n'
                '    "NAME": "orders", "PASSWORD": "Dj4ngo-pw"}}\n', path="settings.py",
                expect=1),
    )
    good = (
        Example('import os\nDATABASES = {"default": {"NAME": "orders",\n'
                '    "PASSWORD": os.environ["DB_PASSWORD"]}}\n', path="settings.py"),
    )

    def check(self, pymodule: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        for node in _walk(pymodule.module):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    path = _subscripts(target)
                    if path is None:
                        continue
                    if path and path[-1] == "PASSWORD":
                        yield from self._value(pymodule, ctx, node.value, path[:-1])
                    else:
                        yield from self._dict(pymodule, ctx, node.value, path)

    def _dict(self, pymodule: PythonModule, ctx: RuleContext, value: ast.expr,
              path: list[str]) -> Iterator[Finding]:
        if not isinstance(value, ast.Dict):
            return
        for key_node, item in zip(value.keys, value.values):
            key = pymodule.literal(key_node) if key_node is not None else None  # None: **other
            if not isinstance(key, str):
                continue
            if key == "PASSWORD":
                yield from self._value(pymodule, ctx, item, path)
            else:
                yield from self._dict(pymodule, ctx, item, [*path, key])

    def _value(self, pymodule: PythonModule, ctx: RuleContext, node: ast.expr,
               path: list[str]) -> Iterator[Finding]:
        value = pymodule.literal(node)
        if not isinstance(value, str) or is_placeholder(value):
            return
        alias = path[0] if path else "default"
        span = pymodule.span(node)
        line, column = (span[0], span[1]) if span else (None, None)
        yield self.finding(
            ctx, line=line, column=column, object=f"DATABASES.{alias}",
            key=f"django:DATABASES.{alias}.PASSWORD".lower(),
            evidence=f'DATABASES["{alias}"]["PASSWORD"] = "****"',
            message=(f"DATABASES[{alias!r}] has a literal PASSWORD ({length_class(value)}); "
                     f"read it from the environment or a secret store"),
            message_zh=(f"DATABASES[{alias!r}] 含硬编码 PASSWORD（{length_class(value, 'zh')}）；"
                        f"请改为从环境变量或密钥存储读取"),
        )


def _subscripts(target: ast.expr) -> list[str] | None:
    """["default", "PASSWORD"] for DATABASES["default"]["PASSWORD"]; [] for DATABASES; None
    for any other target."""
    keys: list[str] = []
    while isinstance(target, ast.Subscript):
        index = target.slice
        if not (isinstance(index, ast.Constant) and isinstance(index.value, (str, bytes))):
            return None
        keys.insert(0, index.value if isinstance(index.value, str) else "")
        target = target.value
    return keys if isinstance(target, ast.Name) and target.id == "DATABASES" else None


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node in source order (ast.walk is breadth-first), without recursion."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(ast.iter_child_nodes(current))))
