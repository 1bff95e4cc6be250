"""DP431: a SQL script sets a role's password from a literal (clause 3.3.5)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext
from scanner.secrets import is_reference, length_class

if TYPE_CHECKING:
    from scanner.parsers.strings import StringSpan

_QUOTED = r"'(?P<value>(?:[^'\\]|''|\\.)*)'"
_ROLE = re.compile(r"\b(?:CREATE|ALTER)\s+(?:ROLE|USER)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                   r"(?P<role>\"[^\"]+\"|`[^`]+`|'[^']+'(?:@'[^']*')?|[\w$.]+(?:@[\w%.'\"]+)?)",
                   re.IGNORECASE)
# PostgreSQL: [ENCRYPTED] PASSWORD 'x'; MySQL: IDENTIFIED [WITH plugin] BY [PASSWORD] 'x',
# SET PASSWORD [FOR u] = [PASSWORD(]'x'.
_PG_PASSWORD = re.compile(rf"\bPASSWORD\s+(?P<hashkw>){_QUOTED}", re.IGNORECASE)
_IDENTIFIED = re.compile(rf"\bIDENTIFIED\s+(?:WITH\s+[\w']+\s+)?BY\s+(?P<hashkw>PASSWORD\s+)?"
                         rf"{_QUOTED}", re.IGNORECASE)
_SET_PASSWORD = re.compile(rf"\bSET\s+PASSWORD\b[^=]*=\s*(?P<hashkw>)(?:PASSWORD\s*\(\s*)?"
                           rf"{_QUOTED}", re.IGNORECASE)
# Stored verifiers, not plaintext. SCRAM verifiers are salted and iterated and cannot be used
# to log in: pg_dumpall writes them for every role, so they are not reported. md5 verifiers
# (usable to log in with the md5 method) and MySQL mysql_native_password hashes are, at LOW.
_SCRAM = re.compile(r"SCRAM-SHA-256\$\d+:\S+")
_HASH = re.compile(r"md5[0-9a-f]{32}|\*[0-9A-F]{40}", re.IGNORECASE)


class SqlRolePassword(Rule):
    """A SQL script creates or alters a role with a literal password.

    ``CREATE ROLE app LOGIN PASSWORD 's3cret'`` (PostgreSQL), ``CREATE USER ... IDENTIFIED BY
    's3cret'`` and ``SET PASSWORD`` (MySQL) in a migration, a seed or a dump put the database
    password in the repository (clause 3.3.5). A stored verifier is not the password itself:
    ``'SCRAM-SHA-256$...'`` (salted, iterated, written by pg_dumpall for every role) is not
    reported; ``'md5'`` + 32 hex digits (usable to log in with the md5 method), MySQL ``'*'`` +
    40 hex and ``IDENTIFIED BY PASSWORD`` hashes are reported at low severity with their own
    message. An empty password is left to the grants rules. psql variables
    (``:'app_password'``) and templates are not literals and are not reported; placeholder words
    such as ``'changeme'`` are, because the statement really sets them. The statement must fit
    on one line, as pg_dumpall and mysqldump write them.
    """

    id = "DP431"
    name = "sql-role-password"
    clauses = ("3.3.5",)
    severity = Severity.HIGH  # LOW for stored hashes
    confidence = Confidence.HIGH
    remediation = (
        "Set role passwords outside version control (psql \\password, a secret manager, or a "
        "psql variable fed from the environment: PASSWORD :'app_password'); dump roles with "
        "pg_dumpall --roles-only --no-role-passwords; rotate exposed passwords."
    )
    references = ("CWE-798", "CWE-259", "CWE-522")
    kinds = frozenset({"sql"})
    model = "strings"
    tokens = ("PASSWORD", "password", "Password", "IDENTIFIED", "identified")

    bad = (
        Example("CREATE ROLE app LOGIN PASSWORD 'Orders-2024!';\n", path="roles.sql", expect=1),
        Example("CREATE USER 'shop'@'%' IDENTIFIED BY 'Sh0p-pw';\n", path="users.sql", expect=1),
    )
    good = (
        Example("CREATE ROLE app LOGIN PASSWORD :'app_password';\n", path="roles.sql"),
        Example("ALTER ROLE app PASSWORD NULL;\n", path="roles.sql"),
    )

    def check(self, spans: list[StringSpan], ctx: RuleContext) -> Iterator[Finding]:
        for span in spans:
            role = _ROLE.search(span.text)
            patterns = (_PG_PASSWORD, _IDENTIFIED) if role else (_IDENTIFIED, _SET_PASSWORD)
            for pattern in patterns:
                match = pattern.search(span.text, role.end() if role else 0)
                if match is None:
                    continue
                value = match.group("value")
                if not value or is_reference(value) or _SCRAM.fullmatch(value):
                    break  # no password (other rules), a variable, or a SCRAM verifier
                name = role.group("role") if role else "a user"
                hashed = bool(match.group("hashkw")) or _HASH.fullmatch(value) is not None
                yield self._report(ctx, span, match, name, value, hashed)
                break

    def _report(self, ctx: RuleContext, span: StringSpan, match: re.Match[str], role: str,
                value: str, hashed: bool) -> Finding:
        text = span.text
        shown = (text[:match.start("value")] + "****" + text[match.end("value"):]).strip()
        who_zh = "某用户" if role == "a user" else f"角色 {role} "
        if hashed:
            message = (f"role {role} is given a stored password hash: it allows offline "
                       f"guessing (md5 hashes allow logging in); keep role verifiers out of "
                       f"the repository (pg_dumpall --no-role-passwords)")
            message_zh = (f"{who_zh}被设置了已存储的口令哈希：可被离线猜解（md5 哈希可直接"
                          f"用于登录）；请勿将角色口令校验值放入代码仓库"
                          f"（pg_dumpall --no-role-passwords）")
        else:
            message = (f"role {role} is given a literal password ({length_class(value)}); set "
                       f"it from a secret store or a psql variable instead")
            message_zh = (f"{who_zh}被设置了硬编码口令（{length_class(value, 'zh')}）；"
                          f"请改为从密钥存储或 psql 变量设置")
        return self.finding(
            ctx, line=span.line, column=span.column + match.start(),
            severity=Severity.LOW if hashed else None,
            key=f"sql-role:{role}".lower(), evidence=shown[:200], message=message,
            message_zh=message_zh,
        )
