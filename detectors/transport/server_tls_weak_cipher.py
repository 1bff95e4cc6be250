"""DP246: a database or Spring server configuration enables weak TLS ciphers (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.transport.tls_weak_ciphers import reasons_zh, summary_zh
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_mycnf import value as cnf_value
from scanner.parsers.config_postgresql import settings as pg_settings
from scanner.parsers.config_properties import relaxed
from scanner.parsers.config_redis import last
from scanner.rule import ConfigRule, Example, RuleContext
from scanner.tls.ciphers import HIGH_RISK, PROFILES, CipherVerdict, evaluate
from scanner.tls.profiles import PROFILE_OPTION
from scanner.tls.suites import lookup

# Settings holding an OpenSSL cipher string for TLS <= 1.2. TLS 1.3 suite lists (PostgreSQL has
# none; MySQL tls_ciphersuites, Redis tls-ciphersuites) hold no weak suite and are not read.
_MYSQL_KEYS = frozenset({"ssl_cipher", "admin_ssl_cipher"})
# Spring Boot keys (relaxed form): the embedded server, the actuator server, SSL bundles. Their
# values are JSSE suite names (IANA names, some legacy ones with an SSL_ prefix).
_SPRING_SUFFIXES = ("server.ssl.ciphers", ".options.ciphers")


class ServerTlsWeakCipher(ConfigRule):
    """A server is configured to offer weak TLS cipher suites.

    Read: PostgreSQL ``ssl_ciphers``, MySQL/MariaDB ``ssl_cipher`` / ``admin_ssl_cipher``,
    Redis ``tls-ciphers`` and Spring Boot ``server.ssl.ciphers`` (also the actuator's and SSL
    bundles'). The cipher string is expanded as OpenSSL expands it (scanner.tls.ciphers: aliases,
    ``+``, ``-``, ``!``, ``@STRENGTH``, over dpscan's own suite table) and every suite is judged
    against a Mozilla profile (option ``tls_profile``, intermediate by default): no NULL, EXPORT,
    RC4, RC2, DES, 3DES or IDEA encryption, no MD5 MAC, no anonymous or static-RSA key exchange.
    Such suites let an attacker on the path read or alter sessions, or lose forward secrecy, so
    the channel falls short of clause 3.3.3. Spring's JSSE suite names are mapped to the same
    table. Absent settings are not reported (the server default applies); a default written out
    is judged like any other string.
    """

    id = "DP246"
    name = "server-tls-weak-cipher"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM  # HIGH for NULL, EXPORT, RC4, RC2, DES, anonymous suites
    confidence = Confidence.HIGH
    remediation = (
        "Use the Mozilla intermediate list: ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-"
        "SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-"
        "POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-"
        "SHA384:DHE-RSA-CHACHA20-POLY1305 (PostgreSQL ssl_ciphers, MySQL ssl_cipher, Redis "
        "tls-ciphers), or its IANA names in Spring Boot server.ssl.ciphers "
        "(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,...)."
    )
    references = ("CWE-327", "CWE-326", "RFC 7465 (RC4 prohibited)",
                  "CVE-2016-2183 (Sweet32, 64-bit block ciphers)",
                  "Mozilla Server Side TLS v5.7 "
                  "(https://wiki.mozilla.org/Security/Server_Side_TLS)")
    kinds = frozenset({"postgresql-conf", "mysql-cnf", "redis-conf", "properties", "yaml"})
    options = {"tls_profile": PROFILE_OPTION}

    bad = (
        Example("ssl_ciphers = 'HIGH:RC4:!aNULL'\n", path="postgresql.conf", expect=1),
        Example("[mysqld]\nssl-cipher = DES-CBC3-SHA:ECDHE-RSA-AES128-GCM-SHA256\n",
                path="my.cnf", expect=1),
        Example("server.ssl.ciphers=TLS_RSA_WITH_RC4_128_SHA,TLS_AES_128_GCM_SHA256\n",
                path="application.properties", expect=1),
    )
    good = (
        Example("ssl_ciphers = 'ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL'\n", path="postgresql.conf"),
        Example('tls-ciphers "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"\n',
                path="redis.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        profile = self.settings["tls_profile"]
        recommended = _recommended(ctx.kind, profile)
        for directive, label, cipher_string in _settings(doc, ctx.kind):
            verdict = evaluate(cipher_string, profile=profile)
            if not verdict.weak:
                continue
            ignored = (f"; OpenSSL ignores {', '.join(verdict.unknown[:3])}"
                       if verdict.unknown and ctx.kind not in ("properties", "yaml") else "")
            ignored_zh = (f"；OpenSSL 会忽略 {', '.join(verdict.unknown[:3])}" if ignored else "")
            recommended_zh = (recommended if PROFILES[profile].ciphers
                              or ctx.kind in ("properties", "yaml")
                              else "仅 TLS 1.3（此时 TLS 1.2 加密套件列表不适用）")
            yield self.directive_finding(
                ctx, directive, severity=_severity(verdict),
                message_zh=(
                    f"{label.replace(' in [', '（位于 [', 1) + '）' if ' in [' in label else label}"
                    f" 启用的 {len(verdict.suites)} 个加密套件中有 {len(verdict.weak)} 个超出 "
                    f"Mozilla {profile} 配置档（{reasons_zh(verdict.reasons)}）："
                    f"{summary_zh(verdict)}{ignored_zh}。条款 3.3.3 要求使用安全的传输通道："
                    f"请使用 {recommended_zh}"
                ),
                message=(
                    f"{label} enables {len(verdict.weak)} of {len(verdict.suites)} suites "
                    f"outside the Mozilla {profile} profile ({', '.join(verdict.reasons)}): "
                    f"{verdict.summary()}{ignored}. Clause 3.3.3 asks for secure transmission "
                    f"channels: use {recommended}"
                ),
            )


def _recommended(kind: str, profile: str) -> str:
    chosen = PROFILES[profile]
    if kind in ("properties", "yaml"):
        # JSSE applies server.ssl.ciphers to TLS 1.3 too: the list must name the 1.3 suites.
        legacy = [lookup(n) for n in chosen.ciphers.split(":") if n]
        return ",".join([*chosen.ciphersuites.split(":"), *(s.iana for s in legacy if s)])
    return chosen.ciphers or "TLS 1.3 only (the TLS 1.2 list then does not apply)"


def _severity(verdict: CipherVerdict) -> Severity:
    if HIGH_RISK.intersection(verdict.reasons):
        return Severity.HIGH
    return Severity.LOW if set(verdict.reasons) == {"not TLS 1.3"} else Severity.MEDIUM


def _settings(doc: ConfigDocument, kind: str) -> Iterator[tuple[Directive, str, str]]:
    """(directive to report at, the setting as shown, OpenSSL cipher string)."""
    if kind == "postgresql-conf":
        found = pg_settings(doc).get("ssl_ciphers")
        if found is not None:
            yield found, f"ssl_ciphers = '{found.value}'", found.value
    elif kind == "mysql-cnf":
        for option in doc.walk():
            given = cnf_value(option) if option.key in _MYSQL_KEYS else None
            if given:
                where = f" in {option.context[0]}" if option.context else ""
                yield option, f"{option.name} = {given}{where}", given
    elif kind == "redis-conf":
        found = last(doc, "tls-ciphers")
        if found is not None:
            yield found, f'tls-ciphers "{found.value}"', found.value
    else:
        lists: dict[tuple[tuple[str, ...], str], list[Directive]] = {}
        for directive in doc.directives:
            if relaxed(directive.name).endswith(_SPRING_SUFFIXES):
                key = (directive.context, directive.name.split("[", 1)[0])
                lists.setdefault(key, []).append(directive)
        for (_context, base), items in lists.items():  # a YAML list: one finding
            names = [n.strip() for d in items for n in d.value.split(",") if n.strip()]
            first = next((d for d in items if evaluate(_openssl(d.value.split(","))).weak),
                         items[0])
            yield first, f"{base} = {','.join(names)}", _openssl(names)


def _openssl(names: list[str]) -> str:
    """JSSE/IANA suite names as an OpenSSL cipher string (Tomcat also accepts OpenSSL syntax,
    which passes through unchanged)."""
    out = []
    for name in (n.strip() for n in names):
        suite = lookup(name) or (lookup("TLS_" + name[4:]) if name.startswith("SSL_") else None)
        out.append(suite.name if suite is not None else name)
    return ":".join(filter(None, out))
