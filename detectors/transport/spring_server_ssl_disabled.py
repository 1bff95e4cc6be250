"""DP249: a Spring Boot configuration switches the embedded server's TLS off (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_properties import relaxed
from scanner.rule import ConfigRule, Example, RuleContext

# Spring Boot's relaxed binding makes server.ssl.enabled, server.ssl.ENABLED and
# SERVER_SSL_ENABLED one key; relaxed() gives the form compared here.
_KEYS = {
    "server.ssl.enabled": "the embedded web server",
    "management.server.ssl.enabled": "the actuator's management server",
}
_KEYS_ZH = {
    "server.ssl.enabled": "内嵌 Web 服务器",
    "management.server.ssl.enabled": "actuator 的管理服务器",
}
# A YAML document (or properties file section) that applies to named profiles only.
_PROFILE_KEYS = frozenset({"spring.config.activate.onprofile", "spring.profiles"})
# Spring converts these strings to false (ConversionService, StringToBooleanConverter).
_FALSE = frozenset({"false", "off", "no", "0"})


class SpringServerSslDisabled(ConfigRule):
    """A Spring Boot application turns TLS off for its embedded web server.

    ``server.ssl.enabled=false`` (or ``management.server.ssl.enabled=false`` for the actuator)
    in ``application.properties`` / ``application.yml`` makes the server answer plain HTTP even
    when a key store is configured. That is fine behind a TLS-terminating load balancer on a
    private network, which this file cannot show; otherwise requests, responses, session
    cookies and tokens cross the network in plaintext, against clause 3.3.3. Reported with low
    severity for that reason; only an explicit false is reported (the default is true whenever
    a key store is set). Weak protocols and ciphers are DP245 and DP246; datasource URLs are
    DP202.
    """

    id = "DP249"
    name = "spring-server-ssl-disabled"
    clauses = ("3.3.3",)
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    remediation = (
        "Serve HTTPS: server.ssl.enabled=true with server.ssl.key-store (or an SSL bundle, "
        "server.ssl.bundle=web) and server.ssl.enabled-protocols=TLSv1.2,TLSv1.3. If a proxy "
        "terminates TLS, keep the plain port on a private interface (server.address) and "
        "record that with an inline ignore and its reason."
    )
    references = ("CWE-319", "Spring Boot reference: Configure SSL")
    kinds = frozenset({"properties", "yaml"})

    bad = (
        Example("server.port=8443\nserver.ssl.enabled=false\n", path="application.properties",
                expect=1),
        Example("server:\n  ssl:\n    enabled: false\n", path="application.yml", expect=1),
    )
    good = (
        Example("server.ssl.enabled=true\nserver.ssl.key-store=classpath:ks.p12\n",
                path="application.properties"),
        Example("spring:\n  ssl:\n    enabled: false\n", path="application.yml"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        profiles = {d.context: d.value for d in doc.directives
                    if relaxed(d.name) in _PROFILE_KEYS}
        for directive in doc.directives:
            what = _KEYS.get(relaxed(directive.name))
            if what is None or directive.value.strip().lower() not in _FALSE:
                continue
            profile = (f" (profile {profiles[directive.context]})"
                       if directive.context in profiles else "")
            yield self.directive_finding(
                ctx, directive,
                message=(
                    f"{directive.name}={directive.value}{profile} makes {what} serve plain "
                    f"HTTP: unless a TLS-terminating proxy on a private network fronts it, "
                    f"traffic travels unencrypted, against clause 3.3.3 (encrypt data in "
                    f"transit); set it to true with a key store or SSL bundle"
                ),
                message_zh=(
                    f"{directive.name}={directive.value}"
                    + (f"（profile {profiles[directive.context]}）"
                       if directive.context in profiles else "")
                    + f" 使{_KEYS_ZH[relaxed(directive.name)]}以明文 HTTP 提供服务：除非由私有网络"
                    f"中终止 TLS 的代理位于其前端，否则流量将以未加密形式传输，违反条款 3.3.3"
                    f"（传输中的数据须加密）；请将其设置为 true，并配置密钥库或 SSL bundle"
                ),
            )
