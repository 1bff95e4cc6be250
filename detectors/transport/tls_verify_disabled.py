"""DP201: Python code turns off TLS certificate or hostname verification (clause 3.3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import AttributeAssign, CallSite, PythonModule

_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})

# package -> (callables that accept the switch, keyword arguments that switch verification off).
# requests: api functions and Session methods (Session.send takes verify= too).
# httpx: api functions and the Client/AsyncClient/transport constructors; httpx client methods
#   take no verify= at all, so listing them costs nothing.
# aiohttp: ssl=False and the deprecated verify_ssl=False "skip certificate validation"
#   (aiohttp client reference), on ClientSession, TCPConnector, aiohttp.request, session methods.
_CLIENTS: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    "requests": (_HTTP_VERBS | {"send"}, ("verify",)),
    "httpx": (_HTTP_VERBS | {"stream", "Client", "AsyncClient", "HTTPTransport",
                             "AsyncHTTPTransport", "create_ssl_context"}, ("verify",)),
    "aiohttp": (_HTTP_VERBS | {"ws_connect", "ClientSession", "TCPConnector"},
                ("ssl", "verify_ssl")),
}
# Method names that, on an object we cannot resolve, still look like an HTTP client call.
_CLIENT_METHODS = _HTTP_VERBS | {"send", "stream", "ws_connect"}

# urllib3 resolves cert_reqs "CERT_NONE" and "NONE" through the ssl module (util/ssl_.py
# resolve_cert_reqs); 0 is ssl.CERT_NONE's value. ssl.CERT_NONE itself is caught as a reference.
_URLLIB3_FACTORIES = frozenset({"PoolManager", "ProxyManager", "HTTPSConnectionPool",
                                "connection_from_url", "proxy_from_url"})
_CERT_NONE_VALUES = frozenset({"CERT_NONE", "NONE"})

# Referencing these is enough: each exists to skip verification (Bandit B323; CWE-295).
# ssl._create_stdlib_context is the same unverified factory under its other private name.
_UNVERIFIED_NAMES = frozenset({"ssl._create_unverified_context", "ssl._create_stdlib_context",
                               "ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE"})

_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


class TlsVerifyDisabled(Rule):
    """TLS certificate or hostname verification is turned off.

    The code makes TLS connections that accept any certificate (requests/httpx ``verify=False``,
    aiohttp ``ssl=False``, urllib3 ``cert_reqs='CERT_NONE'``, ``ssl.CERT_NONE``,
    ``ssl._create_unverified_context``) or any host name (``check_hostname = False``). The
    traffic is still encrypted, but to whoever answers: anyone on the path can present their own
    certificate and read or change customer data in transit. Clause 3.3.3 asks for secure
    transmission channels, which a channel with an unauthenticated peer is not.
    """

    id = "DP201"
    name = "tls-verify-disabled"
    clauses = ("3.3.3",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Keep the verifying defaults: drop verify=False / ssl=False / cert_reqs='CERT_NONE'. "
        "For a private CA, point verification at its bundle instead (verify='/etc/pki/ca.pem', "
        "or REQUESTS_CA_BUNDLE); build contexts with ssl.create_default_context(cafile=...) and "
        "leave check_hostname=True and verify_mode=ssl.CERT_REQUIRED."
    )
    references = ("CWE-295", "Bandit B501", "Bandit B323",
                  "Mozilla Server Side TLS guidelines")
    fixer = "detectors.transport._fixes:fix_tls_verify"
    fix_note = (
        "Removes verify=False / ssl=False / verify_ssl=False from the call; urllib3 "
        "cert_reqs='CERT_NONE' -> 'CERT_REQUIRED'; ssl._create_unverified_context() -> "
        "ssl.create_default_context() (when no argument it lacks is passed); ctx.check_hostname "
        "= False -> True; ctx.verify_mode = ssl.CERT_NONE -> ssl.CERT_REQUIRED. Unsafe (needs "
        "--unsafe-fixes): calls and sessions only guessed to be HTTP clients, and cert_reqs= "
        "outside urllib3. Names imported under other names are left for a person."
    )
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("verify", "CERT_NONE", "check_hostname", "_create_unverified_context", "cert_reqs",
              "ssl=False", "verify_ssl")

    bad = (
        Example('import requests\nrequests.get("https://api.example.com", verify=False)\n',
                expect=1),
        Example("import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\n"
                "ctx.verify_mode = ssl.CERT_NONE\n", expect=2),
    )
    good = (
        Example('import requests\n'
                'requests.get("https://api.example.com", verify="/etc/pki/ca.pem")\n'),
        Example("import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = True\n"
                "ctx.verify_mode = ssl.CERT_REQUIRED\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        for call in module.calls:
            yield from self._client_call(module, call, ctx)
            yield from self._urllib3_call(module, call, ctx)
        seen: set[int] = set()
        for ref in module.refs:
            # "if ctx.verify_mode == ssl.CERT_NONE: raise ..." guards against the problem.
            if ref.qualname in _UNVERIFIED_NAMES and not ref.compared and id(ref.node) not in seen:
                seen.add(id(ref.node))
                written = module.code(ref.node)
                alias = f" (as {written})" if written != ref.qualname else ""
                alias_zh = f"（写作 {written}）" if written != ref.qualname else ""
                yield self.finding(ctx, line=ref.line, column=ref.column, end_line=ref.end_line,
                                   end_column=ref.end_column, key=ref.qualname,
                                   message=f"TLS certificate verification is disabled: "
                                           f"{ref.qualname}{alias}",
                                   message_zh=f"TLS 证书校验已被关闭：{ref.qualname}{alias_zh}")
        for assign in module.assigns:
            confidence = _assign_confidence(assign, module)
            if confidence is None or not _off(module, assign.value):
                continue
            what = "hostname" if assign.attribute == "check_hostname" else "certificate"
            yield self.finding(
                ctx, line=assign.line, column=assign.column, end_line=assign.end_line,
                end_column=assign.end_column, confidence=confidence, key=_shape(assign.target),
                message=f"TLS {what} verification is disabled: {assign.target} = "
                        f"{module.code(assign.value)}",
                message_zh=f"TLS {'主机名' if what == 'hostname' else '证书'}校验已被关闭："
                           f"{assign.target} = {module.code(assign.value)}")

    def _client_call(self, module: PythonModule, call: CallSite,
                     ctx: RuleContext) -> Iterator[Finding]:
        name, keywords, confidence = _client(call, module)
        for keyword in keywords:
            value = call.keyword(keyword)
            if value is not None and _off(module, value):
                yield self._at(module, value, ctx, confidence=confidence, key=f"{name}:{keyword}",
                               message=f"TLS certificate verification is disabled: {name}(..., "
                                       f"{keyword}={module.code(value)})",
                               message_zh=f"TLS 证书校验已被关闭：{name}(..., "
                                          f"{keyword}={module.code(value)})")

    def _urllib3_call(self, module: PythonModule, call: CallSite,
                      ctx: RuleContext) -> Iterator[Finding]:
        name = _match(call.qualnames, "urllib3", _URLLIB3_FACTORIES)
        value = call.keyword("cert_reqs") if name else None
        literal = module.literal(value) if value is not None else None
        if literal in _CERT_NONE_VALUES or (type(literal) is int and literal == 0):
            yield self._at(module, value, ctx, key=f"{name}:cert_reqs",
                           message=f"TLS certificate verification is disabled: {name}(..., "
                                   f"cert_reqs={module.code(value)})",
                           message_zh=f"TLS 证书校验已被关闭：{name}(..., "
                                      f"cert_reqs={module.code(value)})")

    def _at(self, module: PythonModule, node, ctx: RuleContext, **kwargs) -> Finding:
        line, column, end_line, end_column = module.span(node)
        return self.finding(ctx, line=line, column=column, end_line=end_line,
                            end_column=end_column, **kwargs)


def _client(call: CallSite, module: PythonModule) -> tuple[str, tuple[str, ...], Confidence | None]:
    """(name to show, keywords to check, confidence) for an HTTP client call, or no keywords."""
    for package, (callables, keywords) in _CLIENTS.items():
        name = _match(call.qualnames, package, callables)
        if name:
            return name, keywords, None
    resolved = any(q.split(".")[0] in module.imports for q in call.qualnames)
    _receiver, dot, method = call.callee.rpartition(".")
    if resolved or not dot or method not in _CLIENT_METHODS:
        return "", (), None
    # X.get(..., verify=False) on an object we cannot type, in a module that imports the client
    # library: very likely a session or client of it, but not proven.
    keywords = tuple(kw for package in sorted(module.imports & _CLIENTS.keys())
                     for kw in _CLIENTS[package][1] if method in _CLIENTS[package][0])
    return _shape(call.callee), tuple(dict.fromkeys(keywords)), Confidence.MEDIUM


def _assign_confidence(assign: AttributeAssign, module: PythonModule) -> Confidence | None:
    if assign.attribute == "check_hostname":  # ssl.SSLContext and look-alikes: same meaning
        return Confidence.HIGH
    if assign.attribute != "verify":
        return None
    # requests.Session.verify; many other objects have a "verify" attribute of their own.
    if any(q.startswith("requests.") for q in assign.qualnames):
        return Confidence.HIGH
    return Confidence.MEDIUM if "requests" in module.imports else None


def _match(qualnames: frozenset[str], package: str, callables: frozenset[str]) -> str:
    for qualname in sorted(qualnames):
        parts = qualname.removeprefix("requests.packages.").split(".")  # vendored urllib3
        if len(parts) > 1 and parts[0] == package and parts[-1] in callables:
            return qualname
    return ""


def _off(module: PythonModule, node) -> bool:
    value = module.literal(node)
    return value is False or (type(value) is int and value == 0)


def _shape(code: str) -> str:
    """The expression as a structural key: dotted names as written, anything else elided."""
    return code if _DOTTED.fullmatch(code) else "<expr>." + code.rpartition(".")[2]
