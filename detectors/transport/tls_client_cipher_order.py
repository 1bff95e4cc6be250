"""DP222: clients pick the cipher suite while the server still offers weak ones (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.transport._webserver import (
    MOZILLA,
    NGINX_DEFAULT_CIPHERS,
    WEB_KINDS,
    apache_effective,
    apache_vhosts,
    haproxy_global,
    haproxy_options,
    haproxy_sections,
    nginx_servers,
)
from detectors.transport.tls_weak_ciphers import cipher_string, reasons_zh, summary_zh
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.rule import ConfigRule, Example, RuleContext
from scanner.tls.ciphers import evaluate
from scanner.tls.profiles import PROFILE_OPTION


class TlsClientCipherOrder(ConfigRule):
    """Client cipher preference is explicitly chosen while the cipher list holds weak suites.

    ``ssl_prefer_server_ciphers off`` (nginx), ``SSLHonorCipherOrder off`` (Apache) or
    ``prefer-client-ciphers`` (HAProxy) let the client choose the suite. With a list made only
    of strong suites that is what Mozilla recommends, but next to RC4, 3DES, EXPORT or static-RSA
    suites it lets a client, or a downgrade attack on one, settle on the weakest suite the server
    offers. Only an explicit setting is reported; the cipher list itself is DP221's finding.
    """

    id = "DP222"
    name = "tls-client-cipher-order"
    clauses = ("3.3.3",)
    severity = Severity.LOW
    confidence = Confidence.HIGH
    remediation = (
        "Remove the weak suites from the cipher list (Mozilla intermediate), after which client "
        "preference is fine; until then set ssl_prefer_server_ciphers on (nginx), "
        "SSLHonorCipherOrder on (Apache), or drop prefer-client-ciphers (HAProxy)."
    )
    references = ("CWE-757", MOZILLA)
    kinds = WEB_KINDS
    tokens = ("ssl_prefer_server_ciphers", "SSLHonorCipherOrder", "prefer-client-ciphers")
    options = {"tls_profile": PROFILE_OPTION}

    bad = (
        Example("server {\n    listen 443 ssl;\n    ssl_ciphers HIGH:MEDIUM:3DES;\n"
                "    ssl_prefer_server_ciphers off;\n}\n", path="sites-enabled/shop.conf",
                expect=1),
        Example("SSLCipherSuite RC4-SHA:AES128-GCM-SHA256\nSSLHonorCipherOrder off\n",
                path="httpd.conf", expect=1),
    )
    good = (
        Example("server {\n    listen 443 ssl;\n    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n"
                "    ssl_prefer_server_ciphers off;\n}\n", path="sites-enabled/shop.conf"),
        Example("SSLCipherSuite RC4-SHA:AES128-GCM-SHA256\nSSLHonorCipherOrder on\n",
                path="httpd.conf"),
    )

    def check(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        profile, reported = self.settings["tls_profile"], set()
        for switch, what, ciphers in self._pairs(document, ctx.kind):
            if id(switch) in reported:
                continue  # one switch inherited by several servers: reported once
            verdict = evaluate(ciphers, profile=profile)
            if verdict.weak:
                reported.add(id(switch))
                yield self.directive_finding(ctx, switch, message=(
                    f"{what} lets clients choose among {len(verdict.weak)} suites outside the "
                    f"Mozilla {profile} profile ({', '.join(verdict.reasons)}), e.g. "
                    f"{verdict.summary(2)}; remove them from the cipher list or prefer the "
                    "server's order"), message_zh=(
                    f"{what} 允许客户端在 {len(verdict.weak)} 个超出 Mozilla {profile} 配置档"
                    f"（{reasons_zh(verdict.reasons)}）的加密套件中选择，例如 "
                    f"{summary_zh(verdict, 2)}；请将其从加密套件列表中移除，或优先采用服务器端的"
                    "顺序"))

    def _pairs(self, document: ConfigDocument, kind: str
               ) -> Iterator[tuple[Directive, str, str]]:
        """(the directive choosing client order, how to name it, the cipher string it governs)."""
        if kind == "nginx":
            for server in nginx_servers(document):
                switch = server.effective("ssl_prefer_server_ciphers")
                if switch is None or switch.args[:1] != ("off",) or not server.tls:
                    continue
                chosen = server.effective("ssl_ciphers")
                if chosen is not None or server.known("ssl_ciphers"):
                    text = cipher_string(chosen) if chosen else NGINX_DEFAULT_CIPHERS
                    yield switch, "ssl_prefer_server_ciphers off", text or ""
        elif kind == "apache":
            for scope in (document.root, *apache_vhosts(document)):
                switch = apache_effective(document, scope, "sslhonorcipherorder")
                chosen = apache_effective(document, scope, "sslciphersuite")
                if switch is not None and switch.args[:1] and switch.args[0].lower() == "off" \
                        and chosen is not None and cipher_string(chosen):
                    yield switch, f"{switch.name} off", cipher_string(chosen)
        elif kind == "haproxy":
            defaults = haproxy_global(document, "ssl-default-bind-options")
            g_flags, _ = haproxy_options(defaults.args if defaults else ())
            g_ciphers = haproxy_global(document, "ssl-default-bind-ciphers")
            for section in haproxy_sections(document, "frontend", "listen"):
                for bind in section.find("bind"):
                    flags, values = haproxy_options(bind.args[1:])
                    if "ssl" not in flags or "prefer-client-ciphers" not in flags | g_flags:
                        continue
                    text = values.get("ciphers") or (g_ciphers and cipher_string(g_ciphers))
                    at = bind if "prefer-client-ciphers" in flags or defaults is None else defaults
                    if text:
                        yield at, "prefer-client-ciphers", text
