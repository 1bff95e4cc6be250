"""DP432: a Spring/Java config file holds a literal datasource password (clause 3.3.5)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_properties import relaxed
from scanner.rule import ConfigRule, Example, RuleContext
from scanner.secrets import is_placeholder, length_class

# Relaxed keys (lower case, no "-"/"_") whose last segment is the password, and the segments
# that make the key a data store's: spring.datasource.password, spring.data.redis.password,
# spring.rabbitmq.password, quarkus.datasource.password, hibernate.connection.password,
# jakarta.persistence.jdbc.password, app.datasource.orders.password...
_PASSWORD_SEGMENTS = frozenset({"password", "passwd", "pwd"})
_STORE_SEGMENTS = frozenset({
    "datasource", "r2dbc", "jdbc", "connection", "flyway", "liquibase", "redis", "rabbitmq",
    "mongodb", "couchbase", "cassandra", "elasticsearch", "neo4j", "jms", "artemis", "kafka",
    "db", "database", "mysql", "postgres", "postgresql", "amqp",
})


class SpringDatasourcePassword(ConfigRule):
    """application.properties / application.yml sets a datasource password as a literal.

    ``spring.datasource.password=s3cret`` (and the Redis, RabbitMQ, MongoDB, Flyway, R2DBC,
    Quarkus, Hibernate and JPA equivalents) ships the database password with the code and every
    image built from it (clause 3.3.5). Property references (``${DB_PASSWORD}``), jasypt
    ``ENC(...)``, Spring Cloud Config ``{cipher}...`` and obvious placeholders are not reported.
    """

    id = "DP432"
    name = "spring-datasource-password"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Use a property reference resolved at run time (spring.datasource.password="
        "${DB_PASSWORD}), Spring Cloud Vault or a Kubernetes Secret; rotate the exposed password."
    )
    references = ("CWE-798", "CWE-260")
    kinds = frozenset({"properties", "yaml"})
    tokens = ("password", "Password", "PASSWORD", "pwd", "passwd")

    bad = (
        Example("spring.datasource.password=Spr1ng-pw\n", path="application.properties",
                expect=1),
        Example("spring:\n  data:\n    redis:\n      password: R3dis-pw\n",
                path="application.yml", expect=1),
    )
    good = (
        Example("spring.datasource.password=${DB_PASSWORD}\n", path="application.properties"),
        Example("spring.datasource.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)\n",
                path="application.properties"),
        Example("server.ssl.key-store-password=${KEYSTORE_PASSWORD}\n",
                path="application.properties"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        for directive in doc.walk():
            parts = relaxed(directive.name).split(".")
            if parts[-1] not in _PASSWORD_SEGMENTS or not _STORE_SEGMENTS & set(parts[:-1]):
                continue
            value = directive.value
            if is_placeholder(value):
                continue
            yield self.directive_finding(
                ctx, directive,
                key=directive.name.lower(),
                evidence=f"{directive.name}=****",
                message=(f"{directive.name} is a literal password ({length_class(value)}); "
                         f"resolve it at run time (${{DB_PASSWORD}}, Vault, a Secret)"),
                message_zh=(f"{directive.name} 是硬编码口令（{length_class(value, 'zh')}）；"
                            f"请在运行时解析（${{DB_PASSWORD}}、Vault、Secret）"),
            )
