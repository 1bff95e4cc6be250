"""DP220: a web server or load balancer enables SSL 2.0/3.0 or TLS 1.0/1.1 (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.transport._webserver import (
    MOZILLA,
    WEB_KINDS,
    apache_effective,
    apache_is_main,
    apache_protocols,
    apache_ssl,
    apache_vhosts,
    haproxy_global,
    haproxy_options,
    haproxy_protocols,
    haproxy_sections,
    nginx_protocols,
    nginx_servers,
    protocol_fix,
    severity_of_protocols,
)
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.rule import ConfigRule, Example, Option, RuleContext
from scanner.tls.profiles import (
    PROFILE_OPTION,
    PROFILES,
    outside_profile,
    protocol_range,
)

_PROTOCOL_WORDS = ("ssl-min-ver", "ssl-max-ver", "no-sslv3", "no-tlsv10", "no-tlsv11",
                   "no-tlsv12", "no-tlsv13", "force-sslv3", "force-tlsv10", "force-tlsv11",
                   "force-tlsv12", "force-tlsv13")


def _version(text: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in text.split(".")) if text else None
    except ValueError:
        return None


def _nginx_default(version: tuple[int, ...] | None) -> frozenset[str]:
    # ssl_protocols defaults (nginx docs, ngx_http_ssl_module): SSLv3 was dropped in 1.9.1;
    # "TLSv1.2 TLSv1.3" since 1.23.4. Unknown version: judged by the older default.
    if version is not None and version >= (1, 23, 4):
        return frozenset({"TLSv1.2", "TLSv1.3"})
    if version is not None and version < (1, 9, 1):
        return frozenset({"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2"})
    return frozenset({"TLSv1", "TLSv1.1", "TLSv1.2"})


class TlsWeakProtocols(ConfigRule):
    """TLS is offered with SSL 2.0/3.0 or TLS 1.0/1.1.

    nginx ``ssl_protocols``, Apache ``SSLProtocol`` (with its ``all`` / ``+`` / ``-`` syntax) and
    HAProxy ``ssl-min-ver`` / ``no-tlsv1x`` / ``force-*`` on ``bind`` lines or in
    ``ssl-default-bind-options`` are read and compared with the protocol versions of the chosen
    Mozilla profile (intermediate: TLS 1.2 and 1.3). SSL 3.0 falls to POODLE, SSL 2.0 to DROWN;
    TLS 1.0 and 1.1 were deprecated by RFC 8996 and lack modern AEAD suites, so a client can be
    downgraded to them. Where a TLS server sets no version at all, the server's default decides:
    Apache (``all -SSLv3``) enables TLS 1.0/1.1; nginx before 1.23.4 and HAProxy before 2.2 do
    too. When the version is unknown (options ``nginx_version`` / ``haproxy_version``) that is
    reported at info severity with the explanation; a default is only judged when the file shows
    the whole inheritance chain (nginx ``http`` block, no unresolved ``include``; HAProxy
    ``global``). Clause 3.3.3 asks for encryption in transit with TLS.
    """

    id = "DP220"
    name = "tls-weak-protocols"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Enable only TLS 1.2 and TLS 1.3 (Mozilla intermediate): nginx 'ssl_protocols TLSv1.2 "
        "TLSv1.3;', Apache 'SSLProtocol -all +TLSv1.2 +TLSv1.3', HAProxy 'ssl-default-bind-options "
        "ssl-min-ver TLSv1.2' in global. Set it explicitly even where the default is safe today."
    )
    references = ("CWE-326", "CWE-327", MOZILLA, "RFC 8996",
                  "CIS NGINX Benchmark 4.1.4 (only modern TLS protocols)",
                  "CIS Apache HTTP Server 2.4 Benchmark 7.4 (TLSv1.0 and TLSv1.1 disabled)")
    kinds = WEB_KINDS
    tokens = ("ssl", "SSL")  # every TLS listener and TLS setting spells it
    options = {
        "tls_profile": PROFILE_OPTION,
        "nginx_version": Option("", "nginx version in use, e.g. '1.24.0'; decides what a missing "
                                    "ssl_protocols means ('' = unknown: reported as info)"),
        "haproxy_version": Option("", "HAProxy version in use, e.g. '2.8'; decides the default "
                                      "minimum version ('' = unknown: reported as info)"),
    }

    bad = (
        Example("server {\n    listen 443 ssl;\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n}\n",
                path="sites-enabled/shop.conf", expect=1),
        Example("<VirtualHost *:443>\n  SSLEngine on\n  SSLProtocol all -SSLv3\n</VirtualHost>\n",
                path="httpd.conf", expect=1),
        Example("frontend www\n    bind :443 ssl crt /etc/haproxy/site.pem ssl-min-ver TLSv1.0\n",
                path="haproxy.cfg", expect=1),
    )
    good = (
        Example("server {\n    listen 443 ssl;\n    ssl_protocols TLSv1.2 TLSv1.3;\n}\n",
                path="sites-enabled/shop.conf"),
        Example("<VirtualHost *:443>\n  SSLEngine on\n  SSLProtocol -all +TLSv1.2 +TLSv1.3\n"
                "</VirtualHost>\n", path="httpd.conf"),
        Example("global\n    ssl-default-bind-options ssl-min-ver TLSv1.2\nfrontend www\n"
                "    bind :443 ssl crt /etc/haproxy/site.pem\n", path="haproxy.cfg"),
    )

    def check(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        profile = self.settings["tls_profile"]
        if ctx.kind == "nginx":
            yield from self._nginx(document, ctx, profile)
        elif ctx.kind == "apache":
            yield from self._apache(document, ctx, profile)
        elif ctx.kind == "haproxy":
            yield from self._haproxy(document, ctx, profile)

    def _report(self, ctx: RuleContext, at: Directive, enabled: frozenset[str], what: str,
                profile: str, *, default_note: str = "", severity: Severity | None = None,
                confidence: Confidence | None = None, what_zh: str = "",
                note_zh: str = "") -> Iterator[Finding]:
        bad = outside_profile(enabled, profile)
        if not bad:
            return
        allowed = " ".join(PROFILES[profile].protocols)
        yield self.directive_finding(
            ctx, at, severity=severity or Severity(severity_of_protocols(bad)),
            confidence=confidence,
            message=(f"{what} enables {', '.join(bad)}{default_note}, outside the Mozilla "
                     f"{profile} profile ({allowed}); use {protocol_fix(ctx.kind, profile)}"),
            message_zh=(f"{what_zh or what} {'默认' if note_zh else ''}启用了 {', '.join(bad)}"
                        f"{note_zh}，超出 Mozilla {profile} 配置档（{allowed}）的范围；"
                        f"请使用 {protocol_fix(ctx.kind, profile)}"))

    def _nginx(self, document: ConfigDocument, ctx: RuleContext, profile: str
               ) -> Iterator[Finding]:
        for directive in document.find_all("ssl_protocols"):
            yield from self._report(ctx, directive, nginx_protocols(directive), "ssl_protocols",
                                    profile)
        version = _version(self.settings["nginx_version"])
        for server in nginx_servers(document):
            if not server.tls or not server.known("ssl_protocols") or server.effective(
                    "ssl_protocols") is not None:
                continue
            note = (" by default (no ssl_protocols in this server or http block; nginx before "
                    "1.23.4 defaults to TLSv1 TLSv1.1 TLSv1.2, 1.23.4 and later to TLSv1.2 "
                    "TLSv1.3)")
            note_zh = ("（此 server 块和 http 块中均未设置 ssl_protocols；nginx 1.23.4 之前"
                       "默认为 TLSv1 TLSv1.1 TLSv1.2，1.23.4 及之后默认为 TLSv1.2 TLSv1.3）")
            yield from self._report(
                ctx, server.anchor, _nginx_default(version), "this TLS server", profile,
                what_zh="该 TLS 服务器", note_zh=note_zh,
                default_note=note, severity=Severity.INFO if version is None else None,
                confidence=Confidence.LOW if version is None else Confidence.MEDIUM)

    def _apache(self, document: ConfigDocument, ctx: RuleContext, profile: str
                ) -> Iterator[Finding]:
        for directive in document.find_all("sslprotocol"):
            yield from self._report(ctx, directive, apache_protocols(directive),
                                    directive.name, profile)
        main = apache_is_main(document)
        for vhost in apache_vhosts(document):
            if not apache_ssl(document, vhost) or apache_effective(document, vhost, "sslprotocol"):
                continue
            engine = apache_effective(document, vhost, "sslengine")
            note = (" by default (no SSLProtocol here; mod_ssl's default is 'all -SSLv3'"
                    + ("" if main else " unless the main server config sets SSLProtocol") + ")")
            note_zh = ("（此处未设置 SSLProtocol；mod_ssl 的默认值为 'all -SSLv3'"
                       + ("" if main else "，除非主服务器配置设置了 SSLProtocol") + "）")
            yield from self._report(
                ctx, engine if any(d is engine for d in vhost.walk()) else vhost,
                frozenset(protocol_range("TLSv1")), "this SSL virtual host", profile,
                what_zh="该 SSL 虚拟主机", note_zh=note_zh,
                default_note=note, severity=None if main else Severity.LOW,
                confidence=Confidence.MEDIUM if main else Confidence.LOW)

    def _haproxy(self, document: ConfigDocument, ctx: RuleContext, profile: str
                 ) -> Iterator[Finding]:
        version = _version(self.settings["haproxy_version"])
        # ssl-min-ver defaults to TLSv1.2 since HAProxy 2.2; before, to what OpenSSL allowed.
        default_min = "TLSv1.2" if version is not None and version >= (2, 2) else "TLSv1"
        defaults = haproxy_global(document, "ssl-default-bind-options")
        g_flags, g_values = haproxy_options(defaults.args if defaults else ())
        g_set = bool(defaults and (set(_PROTOCOL_WORDS) & (g_flags | set(g_values))))
        if defaults and g_set:
            enabled = haproxy_protocols(g_flags, g_values, default_min)
            yield from self._report(ctx, defaults, enabled, "ssl-default-bind-options", profile)
        for section in haproxy_sections(document, "frontend", "listen"):
            for bind in section.find("bind"):
                flags, values = haproxy_options(bind.args[1:])
                if "ssl" not in flags:
                    continue
                own = set(_PROTOCOL_WORDS) & (flags | set(values))
                if own:
                    enabled = haproxy_protocols(g_flags | flags, {**g_values, **values},
                                                default_min)
                    yield from self._report(ctx, bind, enabled, "this bind line", profile,
                                            what_zh="该 bind 行")
                elif not g_set and (version is None or version < (2, 2)):
                    note = (" by default (no ssl-min-ver here or in ssl-default-bind-options; "
                            "HAProxy before 2.2 allows TLS 1.0 and 1.1, 2.2 and later default "
                            "to ssl-min-ver TLSv1.2)")
                    note_zh = ("（此处和 ssl-default-bind-options 中均未设置 ssl-min-ver；"
                               "HAProxy 2.2 之前允许 TLS 1.0 和 1.1，2.2 及之后默认为 "
                               "ssl-min-ver TLSv1.2）")
                    yield from self._report(
                        ctx, bind, haproxy_protocols(set(), {}, "TLSv1"), "this bind line",
                        profile, default_note=note, what_zh="该 bind 行", note_zh=note_zh,
                        severity=Severity.INFO if version is None else None,
                        confidence=Confidence.LOW if version is None else Confidence.MEDIUM)
