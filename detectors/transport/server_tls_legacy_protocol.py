"""DP245: a database or Spring server configuration allows TLS 1.0/1.1 or SSL (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_mycnf import value as cnf_value
from scanner.parsers.config_postgresql import settings as pg_settings
from scanner.parsers.config_properties import relaxed
from scanner.parsers.config_redis import last
from scanner.rule import ConfigRule, Example, RuleContext
from scanner.tls.profiles import (
    PROFILE_OPTION,
    PROFILES,
    normalise_protocol,
    outside_profile,
    protocol_range,
)

# SSL 2/3 are broken (DROWN, POODLE; RFC 6176, RFC 7568); TLS 1.0/1.1 are deprecated by RFC 8996
# (2021). Mozilla's intermediate profile, the default here, starts at TLS 1.2; modern at 1.3.
_SSL = frozenset({"SSLv2", "SSLv3"})
_TLS10_11 = frozenset({"TLSv1", "TLSv1.1"})
# Spring Boot keys (relaxed form): the embedded server, the actuator server, SSL bundles.
_SPRING_SUFFIXES = ("server.ssl.enabledprotocols", ".options.enabledprotocols")


class _Setting(NamedTuple):
    directive: Directive  # where to report
    enabled: frozenset[str]  # protocol versions the setting allows
    detail: str  # "tls_version = ... allows" -- what the setting does
    default: str  # the default, where absence would be fine
    fix: str  # format string: {versions} (blank-separated), {csv} (comma-separated), {lowest}
    detail_zh: str = ""  # detail, in Chinese
    default_zh: str = ""  # default, in Chinese
    fix_zh: str = ""  # fix, in Chinese (same format fields)


class ServerTlsLegacyProtocol(ConfigRule):
    """A server is configured to accept TLS 1.0, TLS 1.1 or SSL.

    Reported: PostgreSQL ``ssl_min_protocol_version`` below TLSv1.2 (or
    ``ssl_max_protocol_version`` capping below it), MySQL/MariaDB ``tls_version`` /
    ``admin_tls_version`` listing TLSv1 or TLSv1.1, Redis ``tls-protocols`` listing them, and
    Spring Boot ``server.ssl.enabled-protocols`` (also the actuator's and SSL bundles') listing
    TLSv1, TLSv1.1 or SSLv3. These versions are deprecated (RFC 8996) or broken, and let an attacker on
    the path downgrade or decrypt sessions, so the channel no longer meets clause 3.3.3. Versions
    are judged against a Mozilla profile (option ``tls_profile``, intermediate by default: TLS 1.2
    and 1.3). Absent settings are not reported: current defaults (PostgreSQL 13+, MySQL 8.0.28+,
    Redis 6+, current JDKs) start at TLS 1.2.
    """

    id = "DP245"
    name = "server-tls-legacy-protocol"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM  # HIGH with SSLv2/SSLv3, LOW when only the modern profile objects
    confidence = Confidence.HIGH
    remediation = (
        "Allow TLS 1.2 and 1.3 only: ssl_min_protocol_version = 'TLSv1.2' (PostgreSQL), "
        "tls_version = TLSv1.2,TLSv1.3 (MySQL/MariaDB), tls-protocols \"TLSv1.2 TLSv1.3\" "
        "(Redis), server.ssl.enabled-protocols=TLSv1.2,TLSv1.3 (Spring Boot)."
    )
    references = ("CWE-326", "CWE-757", "RFC 8996", "RFC 7568",
                  "Mozilla Server Side TLS v5.7 "
                  "(https://wiki.mozilla.org/Security/Server_Side_TLS)")
    kinds = frozenset({"postgresql-conf", "mysql-cnf", "redis-conf", "properties", "yaml"})
    options = {"tls_profile": PROFILE_OPTION}

    bad = (
        Example("ssl = on\nssl_min_protocol_version = 'TLSv1'\n", path="postgresql.conf",
                expect=1),
        Example("[mysqld]\ntls_version = TLSv1.1,TLSv1.2\n", path="my.cnf", expect=1),
        Example('tls-protocols "TLSv1.1 TLSv1.2"\n', path="redis.conf", expect=1),
        Example("server.ssl.enabled-protocols=TLSv1,TLSv1.2\n", path="application.properties",
                expect=1),
    )
    good = (
        Example("ssl = on\nssl_min_protocol_version = 'TLSv1.2'\n", path="postgresql.conf"),
        Example("[mysqld]\ntls_version = TLSv1.2,TLSv1.3\n", path="my.cnf"),
        Example("server:\n  ssl:\n    enabled-protocols:\n      - TLSv1.2\n      - TLSv1.3\n",
                path="application.yml"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        profile = PROFILES[self.settings["tls_profile"]]
        reader = {"postgresql-conf": _postgresql, "mysql-cnf": _mysql, "redis-conf": _redis}
        for setting in reader.get(ctx.kind, _spring)(doc):
            bad = outside_profile(setting.enabled, profile.name)
            if not bad:
                continue
            if _SSL & set(bad):
                severity, status = Severity.HIGH, "broken, prohibited by RFC 6176/7568"
                status_zh = "已被攻破，RFC 6176/7568 禁止使用"
            elif _TLS10_11 & set(bad):
                severity, status = Severity.MEDIUM, "deprecated by RFC 8996"
                status_zh = "已被 RFC 8996 弃用"
            else:
                severity, status = Severity.LOW, f"outside the Mozilla {profile.name} profile"
                status_zh = f"超出 Mozilla {profile.name} 配置档"
            fix = setting.fix.format(versions=" ".join(profile.protocols),
                                     csv=",".join(profile.protocols), lowest=profile.min_protocol)
            fix_zh = setting.fix_zh.format(versions=" ".join(profile.protocols),
                                           csv=",".join(profile.protocols),
                                           lowest=profile.min_protocol)
            yield self.directive_finding(
                ctx, setting.directive, severity=severity,
                message=(f"{setting.detail} {', '.join(bad)} ({status}), against clause 3.3.3 "
                         f"(secure transmission channels); {setting.default}{fix}"),
                message_zh=(f"{setting.detail_zh} {', '.join(bad)}（{status_zh}），违反条款 3.3.3"
                            f"（安全的传输通道）；{setting.default_zh}{fix_zh}"),
            )


def _postgresql(doc: ConfigDocument) -> Iterator[_Setting]:
    current = pg_settings(doc)
    low, high = current.get("ssl_min_protocol_version"), current.get("ssl_max_protocol_version")
    top = normalise_protocol(high.value) if high is not None else None
    if low is not None and normalise_protocol(low.value):
        enabled = protocol_range(normalise_protocol(low.value), top or "TLSv1.3")
        yield _Setting(low, frozenset(enabled), f"ssl_min_protocol_version = '{low.value}' lets "
                       "clients negotiate", "the default is TLSv1.2 since PostgreSQL 13 "
                       "(TLSv1 in 12): ", "set ssl_min_protocol_version = '{lowest}'",
                       f"ssl_min_protocol_version = '{low.value}' 允许客户端协商使用",
                       "自 PostgreSQL 13 起默认值为 TLSv1.2（12 中为 TLSv1）：",
                       "请设置 ssl_min_protocol_version = '{lowest}'")
    if high is not None and top is not None:
        yield _Setting(high, frozenset({top}), f"ssl_max_protocol_version = '{high.value}' "
                       "caps every connection at", "", "remove ssl_max_protocol_version "
                       "(no maximum by default)",
                       f"ssl_max_protocol_version = '{high.value}' 将所有连接限制为最高",
                       "", "请删除 ssl_max_protocol_version（默认不设上限）")


def _mysql(doc: ConfigDocument) -> Iterator[_Setting]:
    for option in (d for d in doc.walk() if d.key in ("tls_version", "admin_tls_version")):
        given = cnf_value(option) or ""
        where = f" in {option.context[0]}" if option.context else ""
        where_zh = f"（位于 {option.context[0]}）" if option.context else ""
        yield _Setting(option, _versions(given.split(",")), f"{option.name} = {given}{where} "
                       "allows", "MySQL 8.0.28+ defaults to TLSv1.2,TLSv1.3: ",
                       f"set {_literal(option.name)} = " + "{csv}",
                       f"{option.name} = {given}{where_zh} 允许",
                       "MySQL 8.0.28+ 默认值为 TLSv1.2,TLSv1.3：",
                       f"请设置 {_literal(option.name)} = " + "{csv}")


def _redis(doc: ConfigDocument) -> Iterator[_Setting]:
    directive = last(doc, "tls-protocols")
    if directive is not None:
        yield _Setting(directive, _versions(directive.value.split()),
                       f'tls-protocols "{directive.value}" allows',
                       'the default is "TLSv1.2 TLSv1.3": ', 'set tls-protocols "{versions}"',
                       f'tls-protocols "{directive.value}" 允许',
                       '默认值为 "TLSv1.2 TLSv1.3"：', '请设置 tls-protocols "{versions}"')


def _spring(doc: ConfigDocument) -> Iterator[_Setting]:
    lists: dict[tuple[tuple[str, ...], str], list[Directive]] = {}
    for directive in doc.directives:
        if relaxed(directive.name).endswith(_SPRING_SUFFIXES):
            lists.setdefault((directive.context, directive.name.split("[", 1)[0]), []).append(
                directive)
    for (_context, base), items in lists.items():  # a YAML list: report at its first old item
        values = [v.strip() for d in items for v in d.value.split(",")]
        first = next((d for d in items if _versions(d.value.split(",")) - _MODERN), items[0])
        yield _Setting(first, _versions(values), f"{base} = {','.join(values)} enables",
                       "", f"set {_literal(base)}=" + "{csv}",
                       f"{base} = {','.join(values)} 启用了", "",
                       f"请设置 {_literal(base)}=" + "{csv}")


_MODERN = frozenset({"TLSv1.2", "TLSv1.3"})


def _literal(text: str) -> str:
    """``text`` for use inside a fix template (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def _versions(words: list[str]) -> frozenset[str]:
    return frozenset(filter(None, (normalise_protocol(w) for w in words)))
