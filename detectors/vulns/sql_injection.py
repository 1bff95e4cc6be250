"""DP701: SQL built from non-constant strings reaches a query API (clause 3.3.4)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from detectors.vulns._pyflow import Strings
    from scanner.parsers.python import CallSite, PythonModule

_EXECUTE = frozenset({"execute", "executemany", "executescript", "exec_driver_sql"})
_SQL_KEYWORDS = ("sql", "operation", "query", "statement", "sql_script")
# Modules whose presence makes an unresolved ``x.execute(...)`` almost surely a database call.
_DB_MODULES = frozenset({
    "sqlite3", "psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql", "cx_Oracle", "oracledb",
    "pyodbc", "pymssql", "asyncpg", "aiomysql", "aiosqlite", "aiopg", "django", "sqlalchemy",
    "databases", "records", "peewee", "ibm_db", "snowflake", "duckdb",
})
# Text that reads as a statement or clause, once the non-constant parts are holes.
_SQL = re.compile(r"\b(select\s.*\bfrom\b|insert\s+into\b|update\s+\S+\s+set\b|delete\s+from\b"
                  r"|replace\s+into\b|merge\s+into\b|where\b|order\s+by\b|group\s+by\b"
                  r"|(drop|truncate|alter|create)\s+table\b)", re.IGNORECASE | re.DOTALL)
_TEXT_FUNCTIONS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text",
                             "sqlalchemy.sql.expression.text"})


class SqlInjection(Rule):
    """SQL text is assembled from non-constant values and sent to the database.

    A query built with ``%``, ``str.format``, an f-string or ``+``/``+=`` from a value that is
    not a constant -- passed to a DB-API ``execute``/``executemany``/``executescript``, Django
    ``objects.raw``, ``QuerySet.extra(where=...)`` or ``RawSQL``, or SQLAlchemy ``text`` /
    ``session.execute`` / ``engine.execute`` -- lets whoever controls that value change the
    statement: read every customer's rows, or alter them. Clause 3.3.4 asks that such
    vulnerabilities be found and fixed. Strings built in a local variable of the same function
    are followed; parameters passed separately, ``%`` with constant operands, module constants
    and ``", ".join(["%s"] * n)`` bind-marker lists are not reported. A value the function
    receives as an argument is not judged (its origin is not visible). ``execute`` is matched on
    any receiver; confidence is high when the module imports a database driver, Django or
    SQLAlchemy.
    """

    id = "DP701"
    name = "sql-injection"
    clauses = ("3.3.4",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Pass values as bound parameters, never in the SQL text: "
        "cur.execute('SELECT * FROM orders WHERE id = %s', (order_id,)) (or '?' for sqlite3); "
        "Model.objects.raw('... WHERE id = %s', [order_id]); extra(where=['id = %s'], "
        "params=[x]) or, better, the ORM; sqlalchemy text('... WHERE id = :id')"
        ".bindparams(id=order_id). Identifiers (table or column names) cannot be bound: pick "
        "them from a fixed allow-list."
    )
    references = ("CWE-89", "OWASP Top 10 2021 A03 Injection", "Bandit B608",
                  "OWASP SQL Injection Prevention Cheat Sheet")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("execute", ".raw(", ".extra(", "RawSQL", "sqlalchemy", "exec_driver_sql")

    bad = (
        Example('import sqlite3\n\ndef find(conn, email):\n'
                '    conn.execute(f"SELECT * FROM users WHERE email = \'{email}\'")\n', expect=1),
        Example('def orders(cursor, customer):\n'
                '    q = "SELECT id FROM orders WHERE customer = " + customer\n'
                '    cursor.execute(q)\n', expect=1),
        Example('from app.models import Order\n\ndef find(name):\n'
                '    return Order.objects.raw("SELECT * FROM app_order WHERE name = \'%s\'" % name)\n',
                expect=1),
    )
    good = (
        Example('import sqlite3\n\ndef find(conn, email):\n'
                '    conn.execute("SELECT * FROM users WHERE email = ?", (email,))\n'),
        Example('from sqlalchemy import text\n\ndef find(session, oid):\n'
                '    session.execute(text("SELECT * FROM orders WHERE id = :id"), {"id": oid})\n'),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        from detectors.vulns._pyflow import Strings

        strings = Strings(module)
        driver = bool(module.imports & _DB_MODULES)
        for call in module.calls:
            for what, node, needs_sql, confidence in _sinks(call, driver):
                found = strings.template(node, strings.flow.scope(call))
                if found is None or not found[1]:
                    continue
                if needs_sql and not _SQL.search(found[0]):
                    continue
                yield self._report(module, strings, call, node, what, confidence, ctx)

    def _report(self, module: PythonModule, strings: Strings, call: CallSite, node, what: str,
                confidence: Confidence, ctx: RuleContext) -> Finding:
        line, column, end_line, end_column = module.span(node)
        origin = strings.flow.origin(node, strings.flow.scope(call)) if node is not None else None
        if origin is not None and origin is not node:
            built = f" ({_shape(module, origin)} on line {module.span(origin)[0]})"
            built_zh = f"（第 {module.span(origin)[0]} 行的{_shape_zh(module, origin)}）"
        else:
            built = f" ({_shape(module, node)})"
            built_zh = f"（{_shape_zh(module, node)}）"
        return self.finding(
            ctx, line=line, column=column, end_line=end_line, end_column=end_column,
            confidence=confidence, key=f"{what}:{_shape(module, node)}",
            message=(f"SQL text passed to {what}{built} includes non-constant values: "
                     f"whoever controls them can rewrite the query and read or change customer "
                     f"data (CWE-89); pass the values as bound parameters"),
            message_zh=(f"传给 {what}{built_zh}的 SQL 文本包含非常量值：能控制这些值的人"
                        f"可以改写查询，读取或篡改客户数据（CWE-89）；应以绑定参数的方式传入这些值"),
        )


def _sinks(call: CallSite, driver: bool):
    """(what, SQL argument, must-look-like-SQL, confidence) for each SQL argument of ``call``."""
    method = call.callee.rpartition(".")[2]
    receiver = call.callee.rpartition(".")[0]
    if call.qualnames & _TEXT_FUNCTIONS:
        yield "sqlalchemy.text", _argument(call), False, Confidence.HIGH
    elif method in _EXECUTE and receiver:
        yield (f"{method}()", _argument(call), True,
               Confidence.HIGH if driver else Confidence.MEDIUM)
    elif method == "raw" and (receiver.endswith("objects") or "objects." in receiver
                              or any(q.startswith("django.") for q in call.qualnames)):
        yield "Manager.raw()", _argument(call), False, Confidence.HIGH
    elif method == "RawSQL" or any(q.endswith(".RawSQL") for q in call.qualnames):
        yield "RawSQL()", _argument(call), False, Confidence.HIGH
    elif method == "extra" and receiver:
        for keyword in ("where", "tables", "select"):
            for element in _elements(call.keyword(keyword)):
                yield f"QuerySet.extra({keyword}=...)", element, False, Confidence.HIGH


def _elements(node: ast.expr | None) -> list[ast.expr]:
    """The items of a list/tuple/set display, the values of a dict display."""
    if isinstance(node, ast.Dict):
        return list(node.values)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [e.value if isinstance(e, ast.Starred) else e for e in node.elts]
    return []


def _argument(call: CallSite):
    found = call.positional(0)
    for keyword in _SQL_KEYWORDS:
        found = found if found is not None else call.keyword(keyword)
    return found


def _shape(module: PythonModule, node) -> str:
    if isinstance(node, ast.Name):
        return f"variable {module.code(node)}"
    if isinstance(node, ast.BinOp):
        return "string concatenation" if isinstance(node.op, ast.Add) else "% formatting"
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    return "str.format()" if isinstance(node, ast.Call) else "an expression"


def _shape_zh(module: PythonModule, node) -> str:
    """_shape in Chinese."""
    if isinstance(node, ast.Name):
        return f"变量 {module.code(node)}"
    if isinstance(node, ast.BinOp):
        return "字符串拼接" if isinstance(node.op, ast.Add) else "% 格式化"
    if isinstance(node, ast.JoinedStr):
        return "f-string"
    return "str.format()" if isinstance(node, ast.Call) else "表达式"
