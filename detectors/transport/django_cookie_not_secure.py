"""DP248: Django sends its session or CSRF cookie over plain HTTP (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.transport._django_settings import (
    BASE_MODULES_OPTION,
    Requirement,
    falsy_literal,
    find_problems,
)
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import PythonModule

# Django's defaults (docs "Settings"): both False. check --deploy: security.W012, W016.
_REQUIREMENTS = (
    Requirement("SESSION_COOKIE_SECURE", "False", "SESSION_COOKIE_SECURE = True", falsy_literal),
    Requirement("CSRF_COOKIE_SECURE", "False", "CSRF_COOKIE_SECURE = True", falsy_literal),
)
_WHAT = {"SESSION_COOKIE_SECURE": "the session cookie", "CSRF_COOKIE_SECURE": "the CSRF cookie"}
_WHAT_ZH = {"SESSION_COOKIE_SECURE": "会话 Cookie", "CSRF_COOKIE_SECURE": "CSRF Cookie"}


class DjangoCookieNotSecure(Rule):
    """Django's session or CSRF cookie lacks the Secure flag.

    The settings module sets ``SESSION_COOKIE_SECURE`` or ``CSRF_COOKIE_SECURE`` to False, or,
    in a module that is certainly complete (``DEBUG = False``, no ``from ... import *``, no
    dynamic settings, not a shared base module), leaves them unset: both default to False.
    Browsers then send the cookie on any plain-HTTP request to the site, where anyone on the
    path can read the session id and take over the customer's session. Clause 3.3.3 asks that
    data in transit be encrypted. Modules with ``DEBUG = True`` (development) and test settings
    (under tests/, or ``test`` in the module name) are not reported; values read from the
    environment are not judged.
    """

    id = "DP248"
    name = "django-cookie-not-secure"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "In the production settings: SESSION_COOKIE_SECURE = True and CSRF_COOKIE_SECURE = "
        "True (keep SESSION_COOKIE_HTTPONLY = True), and serve the site over HTTPS only "
        "(SECURE_SSL_REDIRECT, HSTS). Run manage.py check --deploy."
    )
    references = ("CWE-614", "CWE-319", "Django deployment checklist (check --deploy)",
                  "OWASP ASVS V3.4.1")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DEBUG")
    options = {
        "base_modules": BASE_MODULES_OPTION,
    }

    bad = (
        Example("DEBUG = False\nSESSION_COOKIE_SECURE = False\nCSRF_COOKIE_SECURE = True\n",
                path="mysite/settings.py", expect=1),
        Example("DEBUG = False\nROOT_URLCONF = 'mysite.urls'\n", path="mysite/settings.py",
                expect=1),
    )
    good = (
        Example("DEBUG = False\nROOT_URLCONF = 'mysite.urls'\nSESSION_COOKIE_SECURE = True\n"
                "CSRF_COOKIE_SECURE = True\n", path="mysite/settings.py"),
        Example("import os\nSESSION_COOKIE_SECURE = os.environ.get('HTTPS') == '1'\n"
                "CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE\n", path="mysite/settings.py"),
        Example("DEBUG = True\nSESSION_COOKIE_SECURE = False\n", path="mysite/settings.py"),
    )

    def check(self, pymodule: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        found = find_problems(pymodule, ctx.path, _REQUIREMENTS, self.settings["base_modules"])
        for requirement, setting in found.explicit:
            yield self.finding(
                ctx, line=setting.line, column=setting.column, key=setting.name,
                message=(f"{setting.name} = {setting.value!r}: browsers send "
                         f"{_WHAT[setting.name]} over plain HTTP too, where it can be read on "
                         f"the path, against clause 3.3.3 (encrypt data in transit); set "
                         f"{requirement.fix}"),
                message_zh=(f"{setting.name} = {setting.value!r}：浏览器也会通过明文 HTTP 发送"
                            f"{_WHAT_ZH[setting.name]}，可能在传输路径上被读取，违反条款 3.3.3"
                            f"（传输中的数据须加密）；请设置 {requirement.fix}"),
            )
        if found.missing and found.debug_line is not None:
            names = ", ".join(f"{r.name} (default {r.default})" for r in found.missing)
            verb = "is" if len(found.missing) == 1 else "are"
            at = found.debug_line
            yield self.finding(
                ctx, line=at.line, column=at.column, confidence=Confidence.MEDIUM,
                key="missing:" + ",".join(r.name for r in found.missing),
                message=(f"DEBUG = False but {names} {verb} not set: browsers send "
                         + " and ".join(_WHAT[r.name] for r in found.missing)
                         + " over plain HTTP too, against clause 3.3.3 (encrypt data in "
                         "transit); set " + "; ".join(r.fix for r in found.missing)),
                message_zh=("DEBUG = False，但未设置 "
                            + "、".join(f"{r.name}（默认值 {r.default}）" for r in found.missing)
                            + "：浏览器也会通过明文 HTTP 发送"
                            + "和".join(_WHAT_ZH[r.name] for r in found.missing)
                            + "，违反条款 3.3.3（传输中的数据须加密）；请设置 "
                            + "; ".join(r.fix for r in found.missing)),
            )
