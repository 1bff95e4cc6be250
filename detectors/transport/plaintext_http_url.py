"""DP207: an HTTP client is given a plain http:// URL to a remote host (clause 3.3.3)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from detectors.crypto._denylist import argument, match, section, values
from detectors.crypto._flow import flow, where
from detectors.crypto._hosts import is_local
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# "http://" then a host that ends before a port, path, query or fragment (or the string's end).
_HTTP = re.compile(r"http://(?:[^/@?#]*@)?(?P<host>\[[^\]]*\]|[^/:?#]+)(?P<rest>[/:?#]|$)",
                   re.IGNORECASE)


class PlaintextHttpUrl(Rule):
    """An HTTP client sends requests to a remote http:// URL.

    requests, httpx, aiohttp, urllib3 and urllib.request calls (and httpx/aiohttp ``base_url``)
    whose URL is, or starts with, a constant ``http://host`` where the host is not localhost,
    a loopback address or a cloud metadata endpoint. Constants are followed through names,
    ``+``, f-strings and ``str.format``. Everything sent (customer records, tokens, cookies,
    the basic-auth header) and everything received is readable and alterable on the path.
    Writing requests and requests carrying a body, headers or auth are medium; plain reads low.
    URLs whose host is only known at run time are not reported. Clause 3.3.3 asks that data in
    transit be encrypted.
    """

    id = "DP207"
    name = "plaintext-http-url"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM  # low for a bare read
    confidence = Confidence.HIGH
    remediation = (
        "Use https:// (and keep certificate verification on); if the service offers no TLS, put "
        "it behind a TLS-terminating proxy or service mesh with mTLS, or reach it over a VPN."
    )
    references = ("CWE-319", "Mozilla Web Security guidelines (HTTPS everywhere)")
    kinds = frozenset({"python"})
    model = "python"
    # The URL's constant must start with the scheme, so a quote precedes it somewhere in the
    # file (docstrings and licence headers mention http:// mid-sentence).
    tokens = ('"http://', "'http://", '"HTTP://', "'HTTP://")

    bad = (
        Example("import requests\n"
                "requests.post('http://crm.partner.example.com/api/customers', json=record)\n",
                expect=1),
        Example("import httpx\nBASE = 'http://reports.example.com'\n"
                "httpx.get(f'{BASE}/daily/{day}')\n", expect=1),
    )
    good = (
        Example("import requests\nrequests.get('http://localhost:8080/health')\n"),
        Example("import requests\n"
                "requests.post('https://crm.partner.example.com/api/customers', json=record)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        flows = flow(module)
        spec = section("http")
        for call in module.calls:
            method, node = _url_argument(call)
            if node is None:
                continue
            text, complete = _prefix(module, flows, node, flows.scope(call))
            found = _HTTP.match(text)
            if not found or not (found.group("rest") or complete):
                continue  # the host is only known at run time
            host = found.group("host").strip("[]")
            if is_local(host) or host.lower() in spec["exempt_hosts"]:
                continue
            body = [kw for kw in spec["body"] if call.keyword(kw) is not None]
            writes = method in spec["writing_methods"] or bool(body)
            what = f"sends {', '.join(body) or 'data'}" if writes else "makes a request"
            what_zh = f"发送 {', '.join(body) or '数据'}" if writes else "发起请求"
            if method in ("Client", "AsyncClient", "ClientSession"):
                what = "sends all its requests"
                what_zh = "发送其全部请求"
            yield self.finding(
                ctx, **where(module, node), key=f"{call.callee}:http://{host}",
                severity=None if writes else Severity.LOW,
                message=f"{call.callee}() {what} to http://{host} without TLS: requests and "
                        f"responses can be read and changed on the path. Policy: customer data "
                        f"in transit is encrypted with TLS. Fix: use https://{host} (CWE-319)",
                message_zh=f"{call.callee}() 未使用 TLS 向 http://{host} {what_zh}：请求和响应"
                           f"可在传输路径上被读取和篡改。策略：传输中的客户数据须使用 TLS 加密。"
                           f"修复：改用 https://{host}（CWE-319）")


def _url_argument(call: CallSite) -> tuple[str, Any]:
    for entry in section("http_client"):
        names = [f"{p}.{m}" for p in entry["prefixes"] for m in entry["methods"]]
        name = match(call.qualnames, names)
        if name:
            return name.rsplit(".", 1)[-1], argument(call, entry["arg"])
    return "", None


def _prefix(module: PythonModule, flows: Any, node: Any, scope: int,
            depth: int = 0) -> tuple[str, bool]:
    """The constant leading text of a string expression, and whether that is all of it: enough
    to read the scheme and host of f"{BASE}/x", BASE + path, "...{}".format(), urljoin(BASE, p)."""
    value = flows.constant(node, scope)
    if isinstance(value, str):
        return value, True
    origin = flows.origin(node, scope) if depth < 6 else None
    if origin is None:
        return "", False
    if origin is not node:
        return _prefix(module, flows, origin, scope, depth + 1)
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += part.value
                continue
            inner, complete = _prefix(module, flows, part.value, scope, depth + 1)
            text += inner
            if not complete or part.format_spec is not None or part.conversion != -1:
                return text, False
        return text, True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _prefix(module, flows, node.left, scope, depth + 1)[0], False
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"):
        return _prefix(module, flows, node.func.value, scope, depth + 1)[0].split("{", 1)[0], False
    site = flows.sites.get(id(node))
    joined = values(site) if site is not None and "urllib.parse.urljoin" in site.qualnames else []
    if joined:  # urljoin(BASE, path) or urljoin(base=BASE, url=path)
        return _prefix(module, flows, joined[0], scope, depth + 1)[0], False
    return "", False
