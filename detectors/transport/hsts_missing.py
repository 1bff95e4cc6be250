"""DP224: an HTTPS server sends no (or a too short) Strict-Transport-Security header
(clause 3.3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors.transport._webserver import (
    MOZILLA, WEB_KINDS, apache_is_main, apache_scope, apache_ssl, apache_vhosts,
    block_finding_place, haproxy_options, haproxy_proxies, haproxy_sections, nginx_locations,
    nginx_servers,
)
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_apache import section_label
from scanner.rule import ConfigRule, Example, Option, RuleContext

_HSTS = "strict-transport-security"
_MAX_AGE = re.compile(r"max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def nginx_headers(chain: tuple[Directive, ...]) -> list[Directive]:
    """The add_header directives in force at the end of ``chain``. nginx inherits add_header
    from the enclosing level only if the current level defines none (ngx_http_headers_module);
    ``add_header_inherit merge`` (nginx 1.29.3) keeps the enclosing ones as well."""
    headers: list[Directive] = []
    for block in reversed(chain):
        headers = block.find("add_header") + headers
        inherit = block.find("add_header_inherit")
        if block.find("add_header") and not (inherit and inherit[-1].args[:1] == ("merge",)):
            break
    return headers


def _hsts(directives: list[Directive]) -> Directive | None:
    """The nginx add_header / more_set_headers among ``directives`` that sets HSTS."""
    for d in directives:
        if d.key == "add_header" and d.args[:1] and d.args[0].lower() == _HSTS:
            return d
        if d.key == "more_set_headers" and any(a.lower().startswith(_HSTS + ":") for a in d.args):
            return d
    return None


def _hsts_value(d: Directive) -> str:
    for i, arg in enumerate(d.args):
        if arg.lower().rstrip(":") == _HSTS:
            return " ".join(d.args[i + 1:])
        if arg.lower().startswith(_HSTS + ":"):
            return arg.split(":", 1)[1]
    return ""


class HstsMissing(ConfigRule):
    """HTTPS server without an HTTP Strict-Transport-Security header.

    Without HSTS a browser that is sent to ``http://`` (a typed address, an old link, an
    attacker on the Wi-Fi stripping the redirect) talks plain HTTP first, so the first request
    and its cookies can be read or rewritten (SSL stripping). Checked: nginx ``add_header
    Strict-Transport-Security`` with nginx's inheritance rule (a ``location`` with any
    ``add_header`` of its own drops the server's, HSTS included), Apache ``Header always set
    Strict-Transport-Security`` in the SSL virtual host or server config, HAProxy
    ``http-response set-header Strict-Transport-Security`` in the frontend or its backends; and a
    ``max-age`` of 0 (HSTS switched off) or below the ``min_max_age`` option.
    """

    id = "DP224"
    name = "hsts-missing"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Send 'Strict-Transport-Security: max-age=63072000' (Mozilla: two years) from every "
        "HTTPS response: nginx 'add_header Strict-Transport-Security \"max-age=63072000\" "
        "always;' in the server and in every location that has add_header lines of its own; "
        "Apache 'Header always set Strict-Transport-Security \"max-age=63072000\"'; HAProxy "
        "'http-response set-header Strict-Transport-Security max-age=63072000'."
    )
    references = ("CWE-523", "CWE-319", "RFC 6797", MOZILLA,
                  "CIS NGINX Benchmark 4.1.8 (HSTS enabled)",
                  "CIS Apache HTTP Server 2.4 Benchmark 7.11 (HSTS enabled)")
    kinds = WEB_KINDS
    tokens = ("ssl", "SSL")  # every TLS listener and TLS setting spells it
    options = {"min_max_age": Option(31536000, "shortest acceptable max-age in seconds "
                                               "(one year, the HSTS preload list's minimum)")}

    bad = (
        Example("server {\n    listen 443 ssl;\n    server_name shop.example.com;\n}\n",
                path="sites-enabled/shop.conf", expect=1),
        Example("server {\n    listen 443 ssl;\n    add_header Strict-Transport-Security "
                "\"max-age=63072000\" always;\n    location /static/ {\n"
                "        add_header Cache-Control public;\n    }\n}\n",
                path="sites-enabled/shop.conf", expect=1),
        Example("<VirtualHost *:443>\n  SSLEngine on\n  Header always set "
                "Strict-Transport-Security \"max-age=0\"\n</VirtualHost>\n", path="httpd.conf",
                expect=1),
    )
    good = (
        Example("server {\n    listen 443 ssl;\n    add_header Strict-Transport-Security "
                "\"max-age=63072000\" always;\n}\n", path="sites-enabled/shop.conf"),
        Example("frontend www\n    mode http\n    bind :443 ssl crt /x.pem\n    http-response "
                "set-header Strict-Transport-Security max-age=63072000\n", path="haproxy.cfg"),
    )

    def check(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.kind == "nginx":
            yield from self._nginx(document, ctx)
        elif ctx.kind == "apache":
            yield from self._apache(document, ctx)
        elif ctx.kind == "haproxy":
            yield from self._haproxy(document, ctx)

    def _missing(self, ctx: RuleContext, at: Directive, where: str, confidence: Confidence,
                 where_zh: str = "", **place: str) -> Finding:
        return self.directive_finding(ctx, at, confidence=confidence, **place, message=(
            f"{where} sends no Strict-Transport-Security header: browsers keep trying plain "
            "HTTP first (SSL stripping); add Strict-Transport-Security max-age=63072000"),
            message_zh=(
            f"{where_zh or where} 未发送 Strict-Transport-Security 响应头：浏览器会继续优先尝试"
            "明文 HTTP（SSL 剥离）；请添加 Strict-Transport-Security max-age=63072000"))

    def _short(self, ctx: RuleContext, at: Directive | None) -> Iterator[Finding]:
        if at is None:
            return
        match = _MAX_AGE.search(_hsts_value(at))
        age = int(match.group(1)) if match else 0
        if age < self.settings["min_max_age"]:
            yield self.directive_finding(
                ctx, at, severity=Severity.MEDIUM if age == 0 else Severity.LOW, message=(
                    f"Strict-Transport-Security max-age={age}"
                    + (" switches HSTS off" if age == 0 else
                       f" is shorter than {self.settings['min_max_age']} seconds")
                    + "; use max-age=63072000"), message_zh=(
                    f"Strict-Transport-Security max-age={age}"
                    + (" 关闭了 HSTS" if age == 0 else
                       f" 短于 {self.settings['min_max_age']} 秒")
                    + "；请使用 max-age=63072000"))

    def _nginx(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        seen: set[int] = set()
        for server in nginx_servers(document):
            if not server.tls:
                continue
            more = [d for block in server.chain for d in block.find("more_set_headers")]
            own = _hsts(nginx_headers(server.chain) + more)
            if own is None:
                confidence = (Confidence.LOW if server.unresolved_include() else
                              Confidence.HIGH if server.full_view else Confidence.MEDIUM)
                yield self._missing(ctx, server.anchor, "this HTTPS server", confidence,
                                    "该 HTTPS 服务器")
                continue
            if id(own) not in seen:
                seen.add(id(own))
                yield from self._short(ctx, own)
            for location, path in nginx_locations(server.block):
                mine = location.find("add_header")
                if mine and _hsts(nginx_headers((*server.chain, *path))) is None:
                    yield self.directive_finding(ctx, mine[0], severity=Severity.LOW, message=(
                        f"add_header in '{' '.join((location.name, *location.args))}' drops the "
                        "server's Strict-Transport-Security header for these responses (nginx "
                        "inherits add_header only into blocks that set none); repeat it here"),
                        message_zh=(
                        f"'{' '.join((location.name, *location.args))}' 中的 add_header 使这些响应"
                        "丢失了 server 的 Strict-Transport-Security 响应头（nginx 只会把 "
                        "add_header 继承到自身未设置任何 add_header 的块中）；请在此处重复设置"))

    def _apache(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        server_wide = _apache_hsts([d for d in apache_scope(document.root) if d.key == "header"])
        for vhost in apache_vhosts(document):
            if not apache_ssl(document, vhost):
                continue
            own = _apache_hsts(list(vhost.walk())) or server_wide
            if own is None:
                confidence = Confidence.HIGH if apache_is_main(document) else Confidence.MEDIUM
                label = section_label(vhost)
                yield self._missing(ctx, vhost, label.replace("VirtualHost", "SSL virtual host", 1),
                                    confidence, label.replace("VirtualHost", "SSL 虚拟主机", 1),
                                    **block_finding_place(ctx.kind, vhost, label))
            elif own is not server_wide:
                yield from self._short(ctx, own)
        yield from self._short(ctx, server_wide)

    def _haproxy(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        backends = {s.value: s for s in haproxy_sections(document, "backend")}
        for section, mode in haproxy_proxies(document, "frontend", "listen"):
            ssl = [b for b in section.find("bind") if "ssl" in haproxy_options(b.args[1:])[0]]
            if not ssl or mode != "http":
                continue
            used = [backends[d.args[0]] for d in section.children if d.args
                    and d.key in ("default_backend", "use_backend") and d.args[0] in backends]
            found = [_haproxy_hsts(s) for s in (section, *used)]
            if not any(found):
                yield self._missing(ctx, ssl[0], f"{section.name} {section.value}",
                                    Confidence.MEDIUM if used else Confidence.HIGH)
            for at in found:
                yield from self._short(ctx, at)


def _header_name_at(d: Directive) -> int:
    """Position of the header name in Apache ``Header [condition] action header value``."""
    return 2 if d.args[:1] and d.args[0].lower() in ("always", "onsuccess") else 1


def _apache_hsts(directives: list[Directive]) -> Directive | None:
    for d in directives:
        if d.key == "header" and len(d.args) > _header_name_at(d) and \
                d.args[_header_name_at(d)].lower() == _HSTS and \
                d.args[_header_name_at(d) - 1].lower() in ("set", "append", "add", "merge",
                                                           "setifempty"):
            return d
    return None


def _haproxy_hsts(section: Directive) -> Directive | None:
    for d in section.children:
        words = [w.lower() for w in d.args]
        if d.key in ("http-response", "http-after-response") and words[:1] in (
                ["set-header"], ["add-header"]) and words[1:2] == [_HSTS]:
            return d
        if d.key == "rspadd" and words[:1] and words[0].startswith(_HSTS + ":"):
            return d
    return None
