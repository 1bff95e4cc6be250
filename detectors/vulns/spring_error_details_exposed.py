"""DP704: a Spring Boot configuration puts stack traces or exception details in error replies."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_properties import relaxed
from scanner.rule import ConfigRule, Example, RuleContext

# Relaxed key -> {value: (severity, what the client then receives)}. Spring Boot ErrorProperties:
# include-stacktrace never|always|on_param (on-trace-param before 2.3), include-message and
# include-binding-errors never|always|on_param, include-exception true|false.
_TRACE = "the full stack trace"
_KEYS: dict[str, dict[str, tuple[Severity, str]]] = {
    "server.error.includestacktrace": {
        "always": (Severity.MEDIUM, _TRACE),
        "onparam": (Severity.LOW, _TRACE + " whenever the request asks for it (?trace=true)"),
        "ontraceparam": (Severity.LOW, _TRACE + " whenever the request asks for it (?trace=true)"),
    },
    "server.error.includeexception": {
        "true": (Severity.LOW, "the exception class name"),
    },
    "server.error.includemessage": {
        "always": (Severity.LOW, "the exception message (often quoting the input)"),
    },
}

# What the client receives, in Chinese, keyed by the English words above.
_WHAT_ZH = {
    _TRACE: "完整的堆栈跟踪",
    _TRACE + " whenever the request asks for it (?trace=true)":
        "完整的堆栈跟踪（只要请求要求，即 ?trace=true）",
    "the exception class name": "异常类名",
    "the exception message (often quoting the input)": "异常消息（常会引用输入内容）",
}


class SpringErrorDetailsExposed(ConfigRule):
    """A Spring Boot application sends stack traces or exception details to clients.

    ``server.error.include-stacktrace=always`` (medium; ``on_param`` low: any client can ask
    with ``?trace=true``), ``include-exception=true`` and ``include-message=always`` (low) in
    ``application(-profile).properties`` / ``.yml`` put internals in every error reply: class
    and package names, SQL, file paths, and values from the failed request -- customer data
    among them -- which also helps an attacker aim the next request. Clause 3.3.4 asks that such
    exposures be found and fixed. Spring Boot's defaults (never / false / never) are safe.
    """

    id = "DP704"
    name = "spring-error-details-exposed"
    clauses = ("3.3.4",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Remove the overrides or set server.error.include-stacktrace=never, "
        "server.error.include-exception=false and server.error.include-message=never in "
        "production profiles; log the details server-side and return an error id instead."
    )
    references = ("CWE-209", "CWE-489", "OWASP Top 10 2021 A05 Security Misconfiguration",
                  "Spring Boot reference: Error Handling")
    kinds = frozenset({"properties", "yaml"})
    tokens = ("stacktrace", "Stacktrace", "STACKTRACE", "include-exception", "includeException",
              "include_exception", "INCLUDE_EXCEPTION", "include-message", "includeMessage",
              "include_message", "INCLUDE_MESSAGE")

    bad = (
        Example("server.error.include-stacktrace=always\n", path="application-prod.properties",
                expect=1),
        Example("server:\n  error:\n    include-exception: true\n", path="application.yml",
                expect=1),
    )
    good = (
        Example("server.error.include-stacktrace=never\nserver.error.include-exception=false\n",
                path="application.properties"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        for directive in doc.walk():
            values = _KEYS.get(relaxed(directive.name))
            value = directive.value.strip().lower().replace("-", "").replace("_", "")
            if values is None or value not in values:
                continue
            severity, what = values[value]
            what_zh = _WHAT_ZH.get(what, what)
            yield self.directive_finding(
                ctx, directive, severity=severity,
                message=(f"{directive.name}={directive.value} sends {what} to clients in "
                         f"error replies, exposing internals and customer data from the "
                         f"failed request (CWE-209); set it to "
                         f"{'false' if value == 'true' else 'never'} in production"),
                message_zh=(f"{directive.name}={directive.value} 会在错误响应中向客户端返回"
                            f"{what_zh}，暴露内部实现以及失败请求中的客户数据（CWE-209）；"
                            f"生产环境应将其设为 {'false' if value == 'true' else 'never'}"),
            )
