"""DP223: an application is served over plain HTTP with no redirect to HTTPS (clause 3.3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors.transport._webserver import (
    WEB_KINDS, apache_ssl, apache_vhosts, block_finding_place, haproxy_options, haproxy_proxies,
    nginx_locations, nginx_servers,
)
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_apache import section_label
from scanner.parsers.config_nginx import listen_port
from scanner.rule import ConfigRule, Example, Option, RuleContext

_NGINX_PASS = ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass",
               "memcached_pass")
_APACHE_SERVE = frozenset({"documentroot", "proxypass", "proxypassmatch", "wsgiscriptalias",
                           "scriptalias", "alias", "jkmount", "passengerapproot", "sethandler"})
_REDIRECT_CODES = frozenset({"301", "302", "303", "307", "308"})
_LOOPBACK = re.compile(r"^(127\.|localhost\b|\[::1\]|unix:)")
_ACME = "/.well-known/acme-challenge"


def _https(target: str) -> bool:
    return target.lower().startswith("https://")


def nginx_redirects(block: Directive) -> bool:
    """``return 301 https://...``, ``return https://...`` or ``rewrite ... https://...`` in the
    block, or in an ``if`` block at its level (``if ($scheme = http) { return 301 ...; }``)."""
    for child in block.children:
        args = child.args
        if child.key == "return" and (
                (len(args) >= 2 and args[0] in _REDIRECT_CODES and _https(args[1]))
                or (len(args) == 1 and _https(args[0]))):
            return True
        if child.key == "rewrite" and len(args) >= 2 and _https(args[1]):
            return True
        if child.key == "if" and nginx_redirects(child):
            return True
    return False


def _nginx_serves(server: Directive) -> str | None:
    """What a plaintext server hands out, or None if it redirects, refuses or serves nothing."""
    if nginx_redirects(server) or server.find("return"):
        return None
    root = server.find("root")
    locations = [(loc, path) for loc, path in nginx_locations(server)
                 if loc.key == "location" and not any(_ACME in " ".join(p.args) for p in path)]
    if not locations:
        return f"root {root[-1].value}" if root else None
    for location, path in locations:
        if any(nginx_redirects(p) or p.find("return") or _denies(p) for p in path):
            continue
        for name in _NGINX_PASS:
            if location.find(name):
                return f"{name} {location.find(name)[0].value}"
        own = location.find("root") or location.find("alias")
        if own or root:
            return f"{(own or root)[-1].name} {(own or root)[-1].value}"
    return None


def _denies(block: Directive) -> bool:
    return any(d.args[:1] == ("all",) for d in block.find("deny"))


def _port(address: str) -> str:
    return listen_port(address.split("@")[-1])


class HttpPlaintextApp(ConfigRule):
    """An application is served over plain HTTP without a redirect to HTTPS.

    An nginx ``server`` listening on port 80 (or with no ``listen``, which means port 80) that
    proxies to an application or serves a document root, with no ``return 301 https://...`` or
    ``rewrite ... https://...`` in front; an Apache ``<VirtualHost *:80>`` without SSL and
    without ``Redirect`` / ``RedirectMatch`` / ``RewriteRule`` to ``https://``; a HAProxy
    ``mode http`` frontend bound to port 80 without ssl that routes to a backend with no
    ``redirect scheme https``. Everything the application sends and receives there, sessions and
    personal data included, crosses the network in clear. Loopback listeners, ACME challenge
    locations and servers that only refuse (``return 444``, ``deny all``) are not reported.
    """

    id = "DP223"
    name = "http-plaintext-app"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM  # a TLS-terminating load balancer in front is not visible here
    remediation = (
        "Serve the application over HTTPS only and make port 80 redirect: nginx 'return 301 "
        "https://$host$request_uri;' in the port-80 server; Apache 'Redirect permanent / "
        "https://shop.example.com/' in the *:80 virtual host; HAProxy 'http-request redirect "
        "scheme https unless { ssl_fc }'. Then add HSTS (DP224)."
    )
    references = ("CWE-319", "CIS NGINX Benchmark 4.1.1 (HTTP redirected to HTTPS)",
                  "CIS Apache HTTP Server 2.4 Benchmark 7.9 (all web content accessed via HTTPS)")
    kinds = WEB_KINDS
    options = {"plaintext_ports": Option((80,), "listening ports treated as public plain HTTP")}

    bad = (
        Example("server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n"
                "        proxy_pass http://127.0.0.1:8000;\n    }\n}\n",
                path="sites-enabled/shop.conf", expect=1),
        Example("<VirtualHost *:80>\n  ServerName shop.example.com\n  DocumentRoot /var/www/shop\n"
                "</VirtualHost>\n", path="httpd.conf", expect=1),
        Example("frontend www\n    mode http\n    bind :80\n    default_backend app\n",
                path="haproxy.cfg", expect=1),
    )
    good = (
        Example("server {\n    listen 80;\n    server_name shop.example.com;\n"
                "    return 301 https://$host$request_uri;\n}\n", path="sites-enabled/shop.conf"),
        Example("<VirtualHost *:80>\n  ServerName shop.example.com\n  Redirect permanent / "
                "https://shop.example.com/\n</VirtualHost>\n", path="httpd.conf"),
        Example("frontend www\n    mode http\n    bind :80\n    bind :443 ssl crt /x.pem\n"
                "    http-request redirect scheme https unless { ssl_fc }\n"
                "    default_backend app\n", path="haproxy.cfg"),
    )

    def check(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        ports = {str(p) for p in self.settings["plaintext_ports"]}
        if ctx.kind == "nginx":
            yield from self._nginx(document, ctx, ports)
        elif ctx.kind == "apache":
            yield from self._apache(document, ctx, ports)
        elif ctx.kind == "haproxy":
            yield from self._haproxy(document, ctx, ports)

    def _nginx(self, document: ConfigDocument, ctx: RuleContext, ports: set[str]
               ) -> Iterator[Finding]:
        for server in nginx_servers(document):
            listens = server.block.find("listen")
            plain = [d for d in server.plain_listens if d.args and not _LOOPBACK.match(d.args[0])
                     and listen_port(d.args[0]) in ports]
            if listens and not plain or not listens and "80" not in ports:
                continue
            served = _nginx_serves(server.block)
            if served:
                at = plain[0] if plain else server.block
                yield self.directive_finding(ctx, at, message=(
                    f"server on plain HTTP port {listen_port(at.args[0]) if plain else 80} "
                    f"serves the application ({served}) without redirecting to HTTPS; add "
                    "'return 301 https://$host$request_uri;'"), message_zh=(
                    f"明文 HTTP 端口 {listen_port(at.args[0]) if plain else 80} 上的 server "
                    f"提供应用服务（{served}），且未重定向到 HTTPS；请添加 "
                    "'return 301 https://$host$request_uri;'"))

    def _apache(self, document: ConfigDocument, ctx: RuleContext, ports: set[str]
                ) -> Iterator[Finding]:
        for vhost in apache_vhosts(document):
            vports = {a.rsplit(":", 1)[1] for a in vhost.args if ":" in a}
            if not vports & ports or apache_ssl(document, vhost):
                continue
            if any(self._apache_redirect(d) for d in vhost.walk()):
                continue
            serving = [d for d in vhost.walk() if d.key in _APACHE_SERVE
                       and not (d.key == "proxypass" and d.args[1:2] == ("!",))]
            what = (f"{serving[0].name} {serving[0].value}" if serving
                    else "the main server's DocumentRoot")
            what_zh = what if serving else "主服务器的 DocumentRoot"
            label = section_label(vhost)
            yield self.directive_finding(ctx, vhost, **block_finding_place(ctx.kind, vhost, label),
                                         message=(
                f"{label.replace('VirtualHost', 'virtual host', 1)} serves {what} over plain "
                "HTTP without redirecting to HTTPS; add 'Redirect permanent / https://<host>/'"),
                message_zh=(
                f"{label.replace('VirtualHost', '虚拟主机', 1)} 通过明文 HTTP 提供 {what_zh}，"
                "且未重定向到 HTTPS；请添加 'Redirect permanent / https://<host>/'"))

    @staticmethod
    def _apache_redirect(d: Directive) -> bool:
        if d.key in ("redirect", "redirectpermanent", "redirectmatch", "redirecttemp"):
            return any(_https(a) for a in d.args)
        return d.key == "rewriterule" and len(d.args) >= 2 and _https(d.args[1])

    def _haproxy(self, document: ConfigDocument, ctx: RuleContext, ports: set[str]
                 ) -> Iterator[Finding]:
        for section, mode in haproxy_proxies(document, "frontend", "listen"):
            if mode != "http":
                continue
            plain = [b for b in section.find("bind") if b.args
                     and "ssl" not in haproxy_options(b.args[1:])[0]
                     and not _LOOPBACK.match(b.args[0]) and _port(b.args[0]) in ports]
            routes = [d for d in section.children
                      if d.key in ("default_backend", "use_backend", "server")]
            if not plain or not routes or self._haproxy_redirect(section):
                continue
            yield self.directive_finding(ctx, plain[0], message=(
                f"{section.name} {section.value} serves {routes[0].name} {routes[0].value} "
                f"on plain HTTP port {_port(plain[0].args[0])} without redirecting to HTTPS; add "
                "'http-request redirect scheme https unless { ssl_fc }'"), message_zh=(
                f"{section.name} {section.value} 在明文 HTTP 端口 {_port(plain[0].args[0])} 上"
                f"提供 {routes[0].name} {routes[0].value}，且未重定向到 HTTPS；请添加 "
                "'http-request redirect scheme https unless { ssl_fc }'"))

    @staticmethod
    def _haproxy_redirect(section: Directive) -> bool:
        for d in section.children:
            words = [w.lower() for w in d.args]
            if d.key == "http-request" and words[:1] == ["redirect"]:
                words = words[1:]
            elif d.key != "redirect":
                continue
            if words[:2] == ["scheme", "https"] or any(_https(w) for w in words[1:2]):
                return True
        return False
