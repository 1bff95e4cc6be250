"""DP203: Python code selects SSL 2/3, TLS 1.0 or TLS 1.1, or allows them as its minimum
(clause 3.3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import cited, entry_for, section, severity, values
from detectors.crypto._flow import flow, where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import NameRef, PythonModule

# ssl.TLSVersion.* and pyOpenSSL *_VERSION constants only mean something as a version bound.
_BOUND_ONLY = re.compile(r"\.TLSVersion\.|_VERSION$")
_PROTOCOL_NAME = re.compile(r"PROTOCOL_|_METHOD\b|TLSVersion\.")
_BOUND_ATTRIBUTES = frozenset({"minimum_version", "maximum_version"})
_BOUND_SETTERS = (".set_min_proto_version", ".set_max_proto_version")
_FIX = ("ssl.create_default_context() (TLS 1.2+ on current Python), or set "
        "ctx.minimum_version = ssl.TLSVersion.TLSv1_2")
_FIX_ZH = ("使用 ssl.create_default_context()（当前 Python 版本默认 TLS 1.2+），或设置 "
           "ctx.minimum_version = ssl.TLSVersion.TLSv1_2")
_NAME_ZH = {"the oldest version the OpenSSL build allows": "OpenSSL 构建所允许的最旧版本"}


class SslLegacyProtocol(Rule):
    """The code lets TLS connections use SSL 2.0, SSL 3.0, TLS 1.0 or TLS 1.1.

    ``ssl.PROTOCOL_SSLv2``/``SSLv3``/``TLSv1``/``TLSv1_1`` and pyOpenSSL's ``*_METHOD`` pin an
    obsolete protocol; ``minimum_version`` (or ``maximum_version``) set to
    ``ssl.TLSVersion.SSLv3``/``TLSv1``/``TLSv1_1``/``MINIMUM_SUPPORTED``, or pyOpenSSL's
    ``set_min_proto_version(TLS1_VERSION)``, lets a peer or an attacker negotiate down to one.
    SSL 3.0 falls to POODLE (RFC 7568); TLS 1.0 and 1.1 are deprecated by RFC 8996 and below
    Mozilla's intermediate floor, and their CBC suites leak (BEAST, Lucky13). Clause 3.3.3 asks
    for secure TLS channels. Comparisons (``if ctx.minimum_version < ...``) are not reported.
    """

    id = "DP203"
    name = "ssl-legacy-protocol"
    clauses = ("3.3.3",)
    severity = Severity.HIGH  # per protocol from weak_crypto.toml: SSL high, TLS 1.0/1.1 medium
    confidence = Confidence.HIGH
    remediation = (
        "Build contexts with ssl.create_default_context() and pin the floor: "
        "ctx.minimum_version = ssl.TLSVersion.TLSv1_2 (TLSv1_3 where every peer supports it). "
        "With pyOpenSSL use SSL.TLS_METHOD and set_min_proto_version(SSL.TLS1_2_VERSION)."
    )
    references = ("CWE-757", "CWE-327", "CWE-326", "Bandit B502", "Bandit B503", "RFC 8996",
                  "RFC 7568", "Mozilla Server Side TLS guidelines (intermediate)")
    fixer = "detectors.transport._fixes:fix_legacy_protocol"
    fix_note = (
        "Unsafe fix only (--unsafe-fixes): ssl.SSLContext(ssl.PROTOCOL_SSLv3/TLSv1/TLSv1_1) -> "
        "ssl.PROTOCOL_TLS_CLIENT, and only when the context is provably used for client "
        "connections (wrap_socket(..., server_hostname=...) or context= of urlopen, "
        "HTTPSConnection, SMTP_SSL and the like) and never sets verify_mode or check_hostname. "
        "PROTOCOL_TLS_CLIENT also turns on certificate and host name checks, which need a trust "
        "store (load_default_certs). A context that may serve (server_side=True, a context "
        "passed elsewhere) is ambiguous and is not fixed; nor are version bounds or pyOpenSSL."
    )
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("PROTOCOL_SSLv", "PROTOCOL_TLSv1", "SSLv2_METHOD", "SSLv3_METHOD", "TLSv1_METHOD",
              "TLSv1_1_METHOD", "TLSVersion", "SSL3_VERSION", "TLS1_VERSION", "TLS1_1_VERSION")

    bad = (
        Example("import ssl\nctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\n", expect=1),
        Example("import ssl\nctx = ssl.create_default_context()\n"
                "ctx.minimum_version = ssl.TLSVersion.TLSv1\n", expect=1),
    )
    good = (
        Example("import ssl\nctx = ssl.create_default_context()\n"
                "ctx.minimum_version = ssl.TLSVersion.TLSv1_2\n"),
        Example("import ssl\nif ctx.minimum_version == ssl.TLSVersion.TLSv1:\n"
                "    raise RuntimeError('TLS 1.0 is not allowed')\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        bounds = {id(a.value): f"{a.target} = {{}}" for a in module.assigns
                  if a.attribute in _BOUND_ATTRIBUTES}
        bounds.update({id(value): f"{call.callee}({{}})" for call in module.calls
                       if call.callee.endswith(_BOUND_SETTERS) for value in values(call)[:1]})
        seen, flows = set(), flow(module)
        for ref in module.refs:
            entry, name = entry_for([ref.qualname], section("tls_protocol"))
            if entry is None or ref.compared or id(ref.node) in seen or _looked_up(flows, ref):
                continue
            bound = bounds.get(id(ref.node))
            if _BOUND_ONLY.search(name) and bound is None:
                continue  # a TLSVersion in a list or a log line selects nothing
            seen.add(id(ref.node))
            yield self._report(ctx, module, ref, entry, name, bound)

    def _report(self, ctx: RuleContext, module: PythonModule, ref: NameRef, entry: dict,
                name: str, bound: str | None) -> Finding:
        written = module.code(ref.node)
        version_zh = _NAME_ZH.get(entry["name"], entry["name"])
        if bound is None:
            found = f"{written} pins the connection to {entry['name']}"
            found_zh = f"{written} 将连接固定为 {version_zh}"
        elif "max" in bound:
            found = f"{bound.format(written)} caps the connection at {entry['name']}"
            found_zh = f"{bound.format(written)} 将连接的最高版本限制为 {version_zh}"
        else:
            found = f"{bound.format(written)} lets the connection fall back to {entry['name']}"
            found_zh = f"{bound.format(written)} 允许连接回退到 {version_zh}"
        return self.finding(
            ctx, **where(module, ref), severity=severity(entry), key=name,
            confidence=Confidence.MEDIUM if name.endswith("MINIMUM_SUPPORTED") else None,
            message=f"{found}. Policy: TLS 1.2 or later (Mozilla intermediate, RFC 8996). Fix: "
                    f"{_FIX}{cited(entry['references'])}",
            message_zh=f"{found_zh}。策略：TLS 1.2 或更高版本（Mozilla intermediate，RFC 8996）。"
                       f"修复：{_FIX_ZH}{cited(entry['references'])}")


def _looked_up(flows, ref: NameRef) -> bool:
    """A key of a table (``versions[ssl.PROTOCOL_TLSv1]``) or a value stored under a protocol
    key (``{ssl.PROTOCOL_TLSv1: SSL.TLSv1_METHOD}``): compatibility tables translate a version
    that the caller chose; they do not choose one."""
    if id(ref.node) in flows.keys:
        return True
    key = flows.key_of.get(id(ref.node))
    return key is not None and _PROTOCOL_NAME.search(flows.module.code(key)) is not None

