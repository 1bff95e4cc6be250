"""DP221: a web server or load balancer enables weak TLS cipher suites (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.transport._webserver import (
    MOZILLA,
    NGINX_DEFAULT_CIPHERS,
    WEB_KINDS,
    cipher_fix,
    haproxy_options,
    haproxy_sections,
    nginx_protocols,
    nginx_servers,
)
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.rule import ConfigRule, Example, RuleContext
from scanner.tls.ciphers import HIGH_RISK, CipherSuite, CipherVerdict, evaluate
from scanner.tls.profiles import PROFILE_OPTION


def cipher_string(directive: Directive) -> str | None:
    """The OpenSSL cipher string a cipher directive sets; None for TLS 1.3 suite lists (Apache
    ``SSLCipherSuite TLSv1.3 ...``), which OpenSSL configures apart and holds no weak suite."""
    args = directive.args
    if directive.key == "sslciphersuite" and len(args) > 1:
        if args[0].upper() == "TLSV1.3":
            return None
        args = args[1:]  # "SSL" (TLS <= 1.2), the protocol selector of httpd 2.4.36+
    return ":".join(args) if args else None


def verdict_message(what: str, verdict: CipherVerdict, fix: str) -> str:
    unknown = f"; OpenSSL ignores {', '.join(verdict.unknown[:3])}" if verdict.unknown else ""
    return (f"{what} enables {len(verdict.weak)} of {len(verdict.suites)} suites outside the "
            f"Mozilla {verdict.profile} profile ({', '.join(verdict.reasons)}): "
            f"{verdict.summary()}{unknown}; use {fix}")


_REASONS_ZH = {"anonymous": "匿名", "static RSA key exchange": "静态 RSA 密钥交换",
               "not TLS 1.3": "非 TLS 1.3"}


def reasons_zh(reasons: tuple[str, ...] | list[str]) -> str:
    """The verdict's reasons, in Chinese (cipher names stay as they are)."""
    return "、".join(_REASONS_ZH.get(r, r) for r in reasons)


def summary_zh(verdict: CipherVerdict, limit: int = 3) -> str:
    """CipherVerdict.summary() in Chinese: the same suites, reasons translated."""
    shown: list[tuple[CipherSuite, tuple[str, ...]]] = []
    for reason in verdict.reasons:
        example = next((w for w in verdict.weak if reason in w[1] and w not in shown), None)
        if example is not None and len(shown) < limit:
            shown.append(example)
    shown += [w for w in verdict.weak if w not in shown][:limit - len(shown)]
    more = len(verdict.weak) - len(shown)
    text = "，".join(f"{s.name}（{reasons_zh(why)}）" for s, why in shown)
    return text + (f" 等，另有 {more} 个" if more > 0 else "")


def verdict_message_zh(what: str, verdict: CipherVerdict, fix: str) -> str:
    unknown = f"；OpenSSL 会忽略 {', '.join(verdict.unknown[:3])}" if verdict.unknown else ""
    return (f"{what} 启用的 {len(verdict.suites)} 个加密套件中有 {len(verdict.weak)} 个超出 "
            f"Mozilla {verdict.profile} 配置档（{reasons_zh(verdict.reasons)}）："
            f"{summary_zh(verdict)}{unknown}；请使用 {fix}")


def verdict_severity(verdict: CipherVerdict) -> Severity:
    """high for NULL/EXPORT/RC4/DES/RC2/anonymous suites, medium for 3DES/IDEA/MD5/static RSA,
    low when only the modern profile's TLS-1.3-only rule is broken."""
    if HIGH_RISK.intersection(verdict.reasons):
        return Severity.HIGH
    return Severity.LOW if set(verdict.reasons) == {"not TLS 1.3"} else Severity.MEDIUM


def nginx_cipher_directives(block: Directive, protocols: frozenset[str] | None = None
                            ) -> Iterator[tuple[Directive, frozenset[str] | None]]:
    """Each ssl_ciphers with the protocol versions in force at its level (None: not set)."""
    own = block.find("ssl_protocols")
    protocols = nginx_protocols(own[-1]) if own else protocols
    for child in block.children:
        if child.key == "ssl_ciphers":
            yield child, protocols
        if child.children:
            yield from nginx_cipher_directives(child, protocols)


class TlsWeakCiphers(ConfigRule):
    """TLS cipher list enables NULL, EXPORT, RC4, DES/3DES, MD5, anonymous or static-RSA suites.

    The cipher string of nginx ``ssl_ciphers``, Apache ``SSLCipherSuite`` and HAProxy
    ``ciphers`` (bind lines) / ``ssl-default-bind-ciphers`` is expanded exactly as OpenSSL
    expands it (aliases, ``+``, ``-``, ``!``, ``@STRENGTH``), over a cipher-suite table dpscan
    ships, not the local OpenSSL: OpenSSL 3 builds have no RC4 or 3DES, so asking them to expand
    ``RC4+RSA`` would hide exactly the suites that matter (the same file served by an older
    OpenSSL offers them). Each suite is judged against the chosen Mozilla profile: under
    intermediate, no NULL, EXPORT, RC4, RC2, DES, 3DES or IDEA encryption, no MD5 MAC, no
    anonymous and no static-RSA key exchange (no forward secrecy). A TLS server with no
    ``ssl_ciphers`` in its nginx inheritance chain is judged by nginx's default
    ``HIGH:!aNULL:!MD5`` (low severity); Apache's and HAProxy's defaults depend on the build
    and are not judged. Lists only TLS 1.3 can use (``ssl_protocols TLSv1.3``) are skipped.
    """

    id = "DP221"
    name = "tls-weak-ciphers"
    clauses = ("3.3.3",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Replace the cipher list with the Mozilla intermediate one: ECDHE-ECDSA-AES128-GCM-SHA256:"
        "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:"
        "DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305 (nginx ssl_ciphers, Apache "
        "SSLCipherSuite, HAProxy ssl-default-bind-ciphers)."
    )
    references = ("CWE-327", "CWE-326", MOZILLA, "RFC 7465 (RC4 prohibited)",
                  "CVE-2016-2183 (Sweet32, 64-bit block ciphers)",
                  "CIS NGINX Benchmark 4.1.5 (disable weak ciphers)",
                  "CIS Apache HTTP Server 2.4 Benchmark 7.5 / 7.8 (weak and medium ciphers)")
    kinds = WEB_KINDS
    tokens = ("ssl", "SSL")  # every TLS listener and TLS setting spells it
    options = {"tls_profile": PROFILE_OPTION}

    bad = (
        Example("server {\n    listen 443 ssl;\n    ssl_ciphers 'ALL:RC4+RSA:!aNULL';\n}\n",
                path="sites-enabled/shop.conf", expect=1),
        Example("<VirtualHost *:443>\n  SSLEngine on\n  SSLCipherSuite DES-CBC3-SHA:AES128-SHA\n"
                "</VirtualHost>\n", path="httpd.conf", expect=1),
        Example("global\n    ssl-default-bind-ciphers HIGH:!aNULL:!MD5\n", path="haproxy.cfg",
                expect=1),
    )
    good = (
        Example("server {\n    listen 443 ssl;\n    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:"
                "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305;\n}\n",
                path="sites-enabled/shop.conf"),
        Example("<VirtualHost *:443>\n  SSLEngine on\n  SSLCipherSuite EECDH+AESGCM:EDH+AESGCM\n"
                "</VirtualHost>\n", path="httpd.conf"),
        Example("server {\n    listen 443 ssl;\n    ssl_protocols TLSv1.3;\n    ssl_ciphers "
                "HIGH:!aNULL;\n}\n", path="sites-enabled/api.conf"),
    )

    def check(self, document: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        profile = self.settings["tls_profile"]
        for directive, what in self._directives(document, ctx.kind):
            text = cipher_string(directive)
            if text is None:
                continue
            verdict = evaluate(text, profile=profile)
            if verdict.weak:
                yield self.directive_finding(
                    ctx, directive, severity=verdict_severity(verdict),
                    message=verdict_message(what, verdict, cipher_fix(ctx.kind, profile, what)),
                    message_zh=verdict_message_zh(what, verdict,
                                                  cipher_fix(ctx.kind, profile, what)))
        if ctx.kind == "nginx":
            yield from self._nginx_defaults(document, ctx, profile)

    def _directives(self, document: ConfigDocument, kind: str) -> Iterator[tuple[Directive, str]]:
        if kind == "nginx":
            for directive, protocols in nginx_cipher_directives(document.root):
                if protocols != frozenset({"TLSv1.3"}):
                    yield directive, "ssl_ciphers"
        elif kind == "apache":
            for directive in document.find_all("sslciphersuite"):
                yield directive, directive.name
        elif kind == "haproxy":
            for section in haproxy_sections(document, "global"):
                for directive in section.find("ssl-default-bind-ciphers"):
                    yield directive, directive.name
            for section in haproxy_sections(document, "frontend", "listen"):
                for bind in section.find("bind"):
                    flags, values = haproxy_options(bind.args[1:])
                    if "ssl" in flags and "ciphers" in values:  # the bind line, as "ciphers X"
                        yield Directive(name="ciphers", args=(values["ciphers"],), line=bind.line,
                                        column=bind.column, context=bind.context), "ciphers"

    def _nginx_defaults(self, document: ConfigDocument, ctx: RuleContext, profile: str
                        ) -> Iterator[Finding]:
        for server in nginx_servers(document):
            if not server.tls or not server.known("ssl_ciphers") or server.effective("ssl_ciphers"):
                continue
            if nginx_protocols(server.effective("ssl_protocols")) == frozenset({"TLSv1.3"}):
                continue
            verdict = evaluate(NGINX_DEFAULT_CIPHERS, profile=profile)
            if verdict.weak:
                message = verdict_message(
                    f"no ssl_ciphers in this server or http block: nginx's default "
                    f"{NGINX_DEFAULT_CIPHERS}", verdict,
                    cipher_fix("nginx", profile, "ssl_ciphers"))
                message_zh = verdict_message_zh(
                    f"此 server 块和 http 块中均未设置 ssl_ciphers：nginx 的默认值 "
                    f"{NGINX_DEFAULT_CIPHERS}", verdict,
                    cipher_fix("nginx", profile, "ssl_ciphers"))
                yield self.directive_finding(ctx, server.anchor, severity=Severity.LOW,
                                             confidence=Confidence.MEDIUM, message=message,
                                             message_zh=message_zh)

