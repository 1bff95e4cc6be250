"""DP206: Python code talks SMTP, FTP, Telnet, POP3, IMAP or HTTP without TLS (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from detectors.crypto._denylist import argument, cited, entry_for, section
from detectors.crypto._flow import flow, where
from detectors.crypto._hosts import is_local
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# Calls on the connection that send credentials: their presence raises severity.
_LOGINS = (".login", ".user", ".pass_", ".apop", ".rpass", ".auth")


_FIX_ZH = {  # the fix of each plaintext_client entry in weak_crypto.toml, in Chinese
    "SMTP": "使用 smtplib.SMTP_SSL(host, 465, context=ssl.create_default_context())，"
            "或在 login() 和发送之前调用 starttls(context=...)",
    "FTP": "使用 SFTP（paramiko）或启用 prot_p() 的 ftplib.FTP_TLS",
    "Telnet": "使用 SSH（paramiko、asyncssh）；telnetlib 已在 Python 3.13 中移除",
    "POP3": "使用 poplib.POP3_SSL，或在 user()/pass_() 之前调用 stls(context=...)",
    "IMAP": "使用 imaplib.IMAP4_SSL，或在 login() 之前调用 starttls(ssl_context=...)",
    "HTTP": "使用 http.client.HTTPSConnection(host, context=ssl.create_default_context())",
}

class PlaintextProtocolClient(Rule):
    """A client connects with a plaintext protocol: SMTP without STARTTLS, FTP, Telnet, POP3, IMAP.

    ``smtplib.SMTP`` (no ``starttls()`` on it in the same function, or class when kept on
    ``self``), ``poplib.POP3`` (no ``stls()``), ``imaplib.IMAP4`` (no ``starttls()``),
    ``ftplib.FTP``, ``telnetlib.Telnet`` and ``http.client.HTTPConnection``. Mail bodies, files
    and the login itself cross the network in clear text. Connections to localhost or a
    loopback address are not reported (a local relay); an unknown host is reported at low
    severity and medium confidence, a named remote host or a login at medium. The ``*_SSL`` and
    ``FTP_TLS`` classes are the fixes. Clause 3.3.3 asks that customer data in transit be
    encrypted.
    """

    id = "DP206"
    name = "plaintext-protocol-client"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM  # low when neither the host nor a login is known
    confidence = Confidence.HIGH
    remediation = (
        "Use the TLS variant: smtplib.SMTP_SSL / poplib.POP3_SSL / imaplib.IMAP4_SSL with "
        "context=ssl.create_default_context(), or call starttls()/stls() before logging in; "
        "ftplib.FTP_TLS with prot_p() or SFTP; SSH instead of Telnet; HTTPSConnection."
    )
    references = ("CWE-319", "Bandit B321", "Bandit B312", "Bandit B402", "Bandit B401")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("SMTP", "FTP", "Telnet", "POP3", "IMAP4", "HTTPConnection")

    bad = (
        Example("import smtplib\nwith smtplib.SMTP('mail.example.com', 25) as s:\n"
                "    s.login(user, secret)\n    s.send_message(msg)\n", expect=1),
        Example("from ftplib import FTP\nftp = FTP('ftp.partner.example.com')\n", expect=1),
    )
    good = (
        Example("import smtplib, ssl\nwith smtplib.SMTP('mail.example.com', 587) as s:\n"
                "    s.starttls(context=ssl.create_default_context())\n"
                "    s.login(user, secret)\n"),
        Example("import smtplib\nwith smtplib.SMTP('localhost') as s:\n    s.send_message(msg)\n"),
        Example("import smtplib\nsmtplib.SMTP_SSL('mail.example.com', 465)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        flows = flow(module)
        for call in module.calls:
            entry, name = entry_for(call.qualnames, section("plaintext_client"), key="qualname")
            if entry is None:
                continue
            nearby = _nearby(flows, call)
            host = _host(flows, call, name, nearby)
            if isinstance(host, str) and is_local(host):
                continue
            if _upgraded(flows, call, nearby, entry["upgrade"]):
                continue
            login = any(c.callee.endswith(_LOGINS) for c in nearby)
            known = isinstance(host, str)
            to = f"to {host}" if known else "to a host set at run time"
            to_zh = f"到 {host} 的" if known else "到运行时才确定的主机的"
            yield self.finding(
                ctx, **where(module, call), key=name,
                severity=Severity.MEDIUM if known or login else Severity.LOW,
                confidence=None if known else Confidence.MEDIUM,
                message=f"{call.callee}() opens a plaintext {entry['protocol']} connection {to}"
                        f"{', and logs in over it' if login else ''}: content and credentials "
                        f"are readable by anyone on the path. Policy: customer data in transit "
                        f"is encrypted with TLS. Fix: {entry['fix']}{cited(entry['references'])}",
                message_zh=f"{call.callee}() 建立了{to_zh}明文 {entry['protocol']} 连接"
                           f"{'，并通过该连接登录' if login else ''}：传输内容和口令可被路径上的"
                           f"任何人读取。策略：传输中的客户数据须使用 TLS 加密。修复："
                           f"{_FIX_ZH.get(entry['protocol'], entry['fix'])}"
                           f"{cited(entry['references'])}")


def _nearby(flows: Any, call: CallSite) -> list[CallSite]:
    """Calls that may act on the same connection: the same function; the whole class when the
    connection is kept on self; the whole module when the function hands it out."""
    scope, sinks = flows.scope(call), flows.sinks(call)
    if any(s.startswith("self.") for s in sinks):
        return flows.calls_in_class(scope)
    if any("." not in s and s in flows.function_names for s in sinks):
        return flows.module.calls
    return flows.calls_in(scope)


def _upgraded(flows: Any, call: CallSite, nearby: list[CallSite], methods: list[str]) -> bool:
    """A STARTTLS-like call on this connection: on the name it is stored under, chained on the
    constructor itself, or (when it is stored nowhere we can name) anywhere nearby."""
    upgrades = [c for c in nearby if c.callee.rpartition(".")[2] in methods]
    receivers = {s for s in flows.sinks(call) if s not in flows.function_names}
    if any(getattr(c.node.func, "value", None) is call.node for c in upgrades):
        return True
    if not receivers:
        return bool(upgrades)
    return any(c.callee.rpartition(".")[0] in receivers for c in upgrades)


def _host(flows: Any, call: CallSite, name: str, nearby: list[CallSite]) -> object:
    """The constant host, "" for none given, or None when it is only known at run time."""
    node = argument(call, [0, "host"])
    if node is None:  # FTP() then .connect(host): the host is on the connect call
        connect = next((c for c in nearby if f"{name}.connect" in c.qualnames), None)
        node = argument(connect, [0, "host"]) if connect else None
        if node is None:
            return None
    value = flows.constant(node, flows.scope(call))
    return value if isinstance(value, str) else None
