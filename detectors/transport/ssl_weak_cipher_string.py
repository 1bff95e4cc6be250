"""DP205: Python code enables weak TLS cipher suites (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import argument, match
from detectors.crypto._flow import flow, where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext
from scanner.tls.ciphers import HIGH_RISK, CipherVerdict, evaluate
from scanner.tls.profiles import PROFILE_OPTION

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# Where a cipher string goes in: SSLContext.set_ciphers (however the context was made), pyOpenSSL
# Context.set_cipher_list, and the ciphers= keyword of wrap_socket and urllib3's context factory.
_SETTERS = ("ssl.**.set_ciphers", "OpenSSL.SSL.Context.set_cipher_list")
_KEYWORD_TAKERS = ("ssl.wrap_socket", "urllib3.util.ssl_.create_urllib3_context",
                   "urllib3.util.create_urllib3_context", "requests.packages.urllib3.**")


class SslWeakCipherString(Rule):
    """A TLS cipher string set in code enables suites outside the Mozilla profile.

    ``ctx.set_ciphers("...")``, pyOpenSSL ``set_cipher_list`` and ``ciphers=`` arguments whose
    cipher string is a constant (a literal or a name bound to one). The string is expanded as
    OpenSSL expands it (scanner.tls.ciphers: aliases, ``+``, ``-``, ``!``, ``@STRENGTH``) and
    every suite is judged against the ``tls_profile`` option (Mozilla intermediate by default):
    NULL, EXPORT, anonymous, RC4, DES and RC2 suites are high; 3DES, IDEA, MD5 and static-RSA
    key exchange (no forward secrecy) medium. ``HIGH:!aNULL`` is therefore medium: it keeps the
    static-RSA suites. Strings from configuration are not judged. Clause 3.3.3 asks for
    encrypted channels, which NULL, export or anonymous suites do not give.
    """

    id = "DP205"
    name = "ssl-weak-cipher-string"
    clauses = ("3.3.3",)
    severity = Severity.HIGH  # medium for 3DES/IDEA/MD5/static RSA only
    confidence = Confidence.HIGH
    remediation = (
        "Do not set ciphers unless needed: Python's ssl defaults (and create_default_context) "
        "exclude all of these. Otherwise use Mozilla's intermediate list: "
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305."
    )
    references = ("CWE-327", "CWE-757", "RFC 7465", "CVE-2016-2183 (Sweet32)",
                  "Mozilla Server Side TLS v5.7")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("set_ciphers", "set_cipher_list", "ciphers=")
    options = {"tls_profile": PROFILE_OPTION}

    bad = (
        Example("import ssl\nctx = ssl.create_default_context()\n"
                "ctx.set_ciphers('RC4-SHA:DES-CBC3-SHA:HIGH')\n", expect=1),
        Example("import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n"
                "ctx.set_ciphers('ALL:eNULL')\n", expect=1),
    )
    good = (
        Example("import ssl\nctx = ssl.create_default_context()\n"
                "ctx.set_ciphers('ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!MD5')\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        flows, profile = flow(module), self.settings["tls_profile"]
        for call in module.calls:
            node, confidence = _cipher_string(module, call)
            text = flows.constant(node, flows.scope(call)) if node is not None else None
            if isinstance(text, bytes):
                text = text.decode("ascii", "replace")
            if not isinstance(text, str):
                continue
            verdict = evaluate(text, profile=profile)
            if verdict.ok:
                continue
            yield self.finding(
                ctx, **where(module, node), confidence=confidence, severity=_severity(verdict),
                key=f"{call.callee}:{','.join(verdict.reasons)}",
                message=f"{call.callee}() enables {len(verdict.weak)} of {len(verdict.suites)} "
                        f"suites outside the Mozilla {profile} profile "
                        f"({', '.join(verdict.reasons)}): {verdict.summary()}. Policy: forward-secret AEAD suites only (Mozilla "
                        f"{profile}, option tls_profile). Fix: drop set_ciphers to keep Python's "
                        f"defaults, or use {verdict.recommended or 'TLS 1.3 only'} (CWE-327)",
                message_zh=f"{call.callee}() 启用了 {len(verdict.suites)} 个密码套件中的 "
                           f"{len(verdict.weak)} 个不在 Mozilla {profile} 配置范围内的套件"
                           f"（{', '.join(verdict.reasons)}）：{verdict.summary()}。策略：仅使用"
                           f"具备前向保密的 AEAD 套件（Mozilla {profile}，选项 tls_profile）。"
                           f"修复：删除 set_ciphers 以保留 Python 的默认设置，或使用 "
                           f"{verdict.recommended or '仅 TLS 1.3'}（CWE-327）")


def _severity(verdict: CipherVerdict) -> Severity:
    if HIGH_RISK.intersection(verdict.reasons):
        return Severity.HIGH
    return Severity.LOW if set(verdict.reasons) == {"not TLS 1.3"} else Severity.MEDIUM


def _cipher_string(module: PythonModule, call: CallSite) -> tuple[object, Confidence | None]:
    if match(call.qualnames, _SETTERS):
        return argument(call, [0, "ciphers"]), None
    if match(call.qualnames, _KEYWORD_TAKERS):
        return call.keyword("ciphers"), None
    # ctx.set_ciphers(...) on a context handed in from elsewhere, in a module that imports ssl.
    if call.callee.endswith(".set_ciphers") and module.imports & {"ssl", "OpenSSL", "urllib3"}:
        return call.positional(0), Confidence.MEDIUM
    return None, None
