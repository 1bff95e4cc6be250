"""DP247: Django settings do not enforce HTTPS (redirect and HSTS) (clause 3.3.3)."""

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


def _no_hsts(value: object) -> bool:
    return falsy_literal(value) or (type(value) is int and value <= 0)


# Django's defaults (docs "Settings"): SECURE_SSL_REDIRECT False, SECURE_HSTS_SECONDS 0.
# manage.py check --deploy warns on both (security.W008, security.W004).
_REQUIREMENTS = (
    Requirement("SECURE_SSL_REDIRECT", "False", "SECURE_SSL_REDIRECT = True", falsy_literal),
    Requirement("SECURE_HSTS_SECONDS", "0", "SECURE_HSTS_SECONDS = 31536000", _no_hsts),
)
_EFFECT = {
    "SECURE_SSL_REDIRECT": "plain-HTTP requests are served instead of redirected to HTTPS",
    "SECURE_HSTS_SECONDS": "browsers get no HSTS header and may keep using plain HTTP",
}
_EFFECT_ZH = {
    "SECURE_SSL_REDIRECT": "明文 HTTP 请求会被直接处理，而不是重定向到 HTTPS",
    "SECURE_HSTS_SECONDS": "浏览器收不到 HSTS 响应头，可能继续使用明文 HTTP",
}


class DjangoHttpsNotEnforced(Rule):
    """A deployed Django site does not force HTTPS.

    The settings module sets ``SECURE_SSL_REDIRECT = False`` or ``SECURE_HSTS_SECONDS = 0``, or,
    in a module that is certainly complete (``DEBUG = False``, no ``from ... import *``, no
    dynamic settings, not a shared base module), leaves them unset: Django's defaults are False
    and 0. Pages, forms and tokens are then served over plain HTTP whenever a link, a bookmark or
    an attacker's downgrade asks for it. Clause 3.3.3 asks for encrypted transmission. Modules
    with ``DEBUG = True`` (development) and test settings (under tests/, or ``test`` in the
    module name) are not reported; values read from the environment are not judged. A proxy that redirects and sets HSTS itself makes this a false
    alarm: record that with an inline ignore and its reason.
    """

    id = "DP247"
    name = "django-https-not-enforced"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "In the production settings: SECURE_SSL_REDIRECT = True, SECURE_HSTS_SECONDS = "
        "31536000 (start lower while testing), SECURE_HSTS_INCLUDE_SUBDOMAINS = True, and "
        "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') behind a TLS proxy. "
        "Run manage.py check --deploy."
    )
    references = ("CWE-319", "CWE-523", "Django deployment checklist (check --deploy)",
                  "OWASP ASVS V9.1")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DEBUG")
    options = {
        "base_modules": BASE_MODULES_OPTION,
    }

    bad = (
        Example("DEBUG = False\nSECURE_SSL_REDIRECT = False\nSECURE_HSTS_SECONDS = 31536000\n",
                path="mysite/settings.py", expect=1),
        Example("DEBUG = False\nINSTALLED_APPS = ['django.contrib.auth']\n",
                path="mysite/settings.py", expect=1),
    )
    good = (
        Example("DEBUG = False\nINSTALLED_APPS = []\nSECURE_SSL_REDIRECT = True\n"
                "SECURE_HSTS_SECONDS = 31536000\n", path="mysite/settings.py"),
        Example("DEBUG = True\nSECURE_SSL_REDIRECT = False\n", path="mysite/settings/dev.py"),
        Example("from .base import *\nDEBUG = False\n", path="mysite/settings/production.py"),
    )

    def check(self, pymodule: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        found = find_problems(pymodule, ctx.path, _REQUIREMENTS, self.settings["base_modules"])
        for requirement, setting in found.explicit:
            yield self.finding(
                ctx, line=setting.line, column=setting.column, key=setting.name,
                message=(f"{setting.name} = {setting.value!r}: {_EFFECT[setting.name]}, "
                         f"against clause 3.3.3 (encrypt data in transit); set "
                         f"{requirement.fix}"),
                message_zh=(f"{setting.name} = {setting.value!r}：{_EFFECT_ZH[setting.name]}，"
                            f"违反条款 3.3.3（传输中的数据须加密）；请设置 {requirement.fix}"),
            )
        if found.missing and found.debug_line is not None:
            names = ", ".join(f"{r.name} (default {r.default})" for r in found.missing)
            fixes = "; ".join(r.fix for r in found.missing)
            at = found.debug_line
            yield self.finding(
                ctx, line=at.line, column=at.column, confidence=Confidence.LOW,
                key="missing:" + ",".join(r.name for r in found.missing),
                message=(f"DEBUG = False but {names} {'is' if len(found.missing) == 1 else 'are'}"
                         f" not set: "
                         + "; ".join(_EFFECT[r.name] for r in found.missing)
                         + f", against clause 3.3.3 (encrypt data in transit); set {fixes}"),
                message_zh=("DEBUG = False，但未设置 "
                            + "、".join(f"{r.name}（默认值 {r.default}）" for r in found.missing)
                            + "：" + "；".join(_EFFECT_ZH[r.name] for r in found.missing)
                            + f"，违反条款 3.3.3（传输中的数据须加密）；请设置 {fixes}"),
            )
