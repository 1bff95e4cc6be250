"""DP204: Python code opens TLS with the deprecated ssl.wrap_socket() (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import argument
from detectors.crypto._flow import where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# ssl.wrap_socket(sock, keyfile, certfile, server_side, cert_reqs, ssl_version, ca_certs, ...)
_CERT_REQS, _SERVER_SIDE = [4, "cert_reqs"], [3, "server_side"]
_CERT_NONE = frozenset({"ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"})
_FIX = ("ctx = ssl.create_default_context(cafile=...); ctx.wrap_socket(sock, "
        "server_hostname=host) verifies both the chain and the host name")
_FIX_ZH = ("ctx = ssl.create_default_context(cafile=...); ctx.wrap_socket(sock, "
           "server_hostname=host) 会同时校验证书链和主机名")


class SslWrapSocket(Rule):
    """TLS is opened with ssl.wrap_socket(), which never checks the host name.

    The module-level ``ssl.wrap_socket`` (deprecated in 3.7, removed in Python 3.12) takes no
    ``server_hostname``, so even with ``cert_reqs=CERT_REQUIRED`` any certificate from a trusted
    CA for any host is accepted, and its default ``cert_reqs`` is ``CERT_NONE``: no certificate
    check at all. It also uses whatever protocol versions the default allows. A client socket
    opened this way offers no protection against an active attacker, which clause 3.3.3's secure
    channel requires. Calls with an explicit ``cert_reqs=ssl.CERT_NONE`` are left to DP201,
    which reports exactly that; server-side sockets are reported at low severity (deprecated
    API, removed in 3.12). ``SSLContext.wrap_socket`` is the fix and is not reported.
    """

    id = "DP204"
    name = "ssl-wrap-socket"
    clauses = ("3.3.3",)
    severity = Severity.HIGH  # the default: no certificate check; medium with CERT_REQUIRED
    confidence = Confidence.HIGH
    remediation = (
        "Create a context with ssl.create_default_context(cafile=...) (TLS 1.2+, certificate and "
        "hostname checks on) and call ctx.wrap_socket(sock, server_hostname=host); servers use "
        "ssl.create_default_context(ssl.Purpose.CLIENT_AUTH) and load_cert_chain()."
    )
    references = ("CWE-297", "CWE-295", "Bandit B504", "Python 3.12 What's New (ssl)")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("wrap_socket",)

    bad = (
        Example("import socket, ssl\nraw = socket.create_connection((host, 993))\n"
                "tls = ssl.wrap_socket(raw)\n", expect=1),
        Example("import ssl\nssl.wrap_socket(raw, cert_reqs=ssl.CERT_REQUIRED, ca_certs=CA)\n",
                expect=1),
    )
    good = (
        Example("import ssl\nctx = ssl.create_default_context()\n"
                "tls = ctx.wrap_socket(raw, server_hostname=host)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        for call in module.calls:
            if "ssl.wrap_socket" not in call.qualnames or _cert_none(module, call):
                continue
            server = module.literal(argument(call, _SERVER_SIDE)) is True
            confidence = None
            if server:
                severity = Severity.LOW
                found = "a server socket made with a function deprecated and removed in Python 3.12"
                found_zh = "服务端套接字由一个已弃用、且在 Python 3.12 中移除的函数创建"
            elif argument(call, _CERT_REQS) is None and _double_star(call):
                severity, confidence = Severity.MEDIUM, Confidence.LOW
                found = ("cert_reqs may come from **kwargs, but the host name is never checked; "
                         "without cert_reqs nothing is")
                found_zh = ("cert_reqs 可能来自 **kwargs，但主机名从不校验；"
                            "若未提供 cert_reqs，则什么都不校验")
            elif argument(call, _CERT_REQS) is None:
                severity = Severity.HIGH
                found = ("the default cert_reqs=CERT_NONE checks neither the certificate nor "
                         "the host name")
                found_zh = "默认的 cert_reqs=CERT_NONE 既不校验证书，也不校验主机名"
            else:
                severity = Severity.MEDIUM
                found = ("the certificate chain is checked but never the host name: any trusted "
                         "certificate for any host is accepted")
                found_zh = ("校验了证书链，但从不校验主机名：任何主机的任一受信任证书"
                            "都会被接受")
            yield self.finding(
                ctx, **where(module, call), severity=severity, confidence=confidence,
                key=f"ssl.wrap_socket:{severity.value}",
                message=f"{call.callee}(): {found}. Policy: TLS clients verify the certificate "
                        f"and the host name. Fix: {_FIX} (CWE-297, Bandit B504)",
                message_zh=f"{call.callee}()：{found_zh}。策略：TLS 客户端须校验证书和主机名。"
                           f"修复：{_FIX_ZH}（CWE-297，Bandit B504）")


def _double_star(call: CallSite) -> bool:
    """``**kwargs`` among the arguments (ast files it as a keyword without a name)."""
    return any(keyword.arg is None for keyword in call.node.keywords)


def _cert_none(module: PythonModule, call: CallSite) -> bool:
    """cert_reqs is CERT_NONE by name or value (0): DP201's finding, not repeated here."""
    node = argument(call, _CERT_REQS)
    if node is None:
        return False
    value = module.literal(node)
    if type(value) is int and value == 0:
        return True
    return any(r.node is node and r.qualname in _CERT_NONE for r in module.refs)
