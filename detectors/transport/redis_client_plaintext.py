"""DP209: a Redis client connects to a remote server without TLS (clause 3.3.3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import argument, match, section
from detectors.crypto._flow import flow, where
from detectors.crypto._hosts import is_local, url_host
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

_FIX = ("rediss://host:6380/0, or Redis(host=..., ssl=True, ssl_ca_certs=<CA bundle>), with "
        "tls-port enabled on the server")
_FIX_ZH = ("使用 rediss://host:6380/0，或 Redis(host=..., ssl=True, ssl_ca_certs=<CA bundle>)，"
           "并在服务端启用 tls-port")
_HOW_ZH = {"a redis:// URL": "redis:// URL", "no ssl=True": "未设置 ssl=True"}


class RedisClientPlaintext(Rule):
    """A Redis client connects to a remote host without TLS.

    redis-py ``Redis``/``StrictRedis``/``RedisCluster`` (sync and asyncio) with a constant,
    non-local ``host`` and no ``ssl=True``, and ``from_url('redis://remote-host...')``.
    Redis speaks plaintext by default: cached sessions, tokens and customer records, and the
    AUTH password itself, cross the network readable by anyone on the path. ``rediss://`` URLs,
    ``unix://`` sockets, localhost and hosts known only at run time are not reported. A
    password on the connection raises the finding from low to medium. Clause 3.3.3 asks that
    data in transit be encrypted.
    """

    id = "DP209"
    name = "redis-client-plaintext"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM  # low when no password is sent
    confidence = Confidence.HIGH
    remediation = (
        "Enable TLS on the server (tls-port, tls-cert-file) and connect with rediss:// URLs or "
        "ssl=True plus ssl_ca_certs; on managed Redis turn on in-transit encryption."
    )
    references = ("CWE-319", "Redis TLS support documentation")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("import redis", "from redis", ", redis")  # the import of redis-py

    bad = (
        Example("import redis\ncache = redis.Redis(host='cache.internal.example.com', port=6379,"
                " password=pw)\n", expect=1),
        Example("import redis\nr = redis.from_url('redis://sessions.example.com:6379/0')\n",
                expect=1),
    )
    good = (
        Example("import redis\nr = redis.from_url('rediss://sessions.example.com:6380/0')\n"),
        Example("import redis\ncache = redis.Redis(host='cache.example.com', ssl=True)\n"),
        Example("import redis\ncache = redis.Redis()\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        flows, spec = flow(module), section("redis")
        for call in module.calls:
            scope = flows.scope(call)
            if match(call.qualnames, spec["url_factories"]):
                node = argument(call, [0, "url"])
                url = flows.constant(node, scope)
                host = url_host(url) if isinstance(url, str) else None
                if host is None or not url.lower().startswith("redis://") or is_local(host):
                    continue
                secret = "@" in url.split("://", 1)[1].split("/", 1)[0]
                yield self._report(ctx, module, call, node, host, secret, "a redis:// URL")
            elif match(call.qualnames, spec["clients"]):
                host = flows.constant(argument(call, [0, "host"]), scope)
                ssl = call.keyword("ssl")
                if not isinstance(host, str) or is_local(host):
                    continue  # default localhost, or a host only known at run time
                if ssl is not None and module.literal(ssl) is not False:
                    continue  # ssl=True, or decided by configuration
                secret = call.keyword("password") is not None
                yield self._report(ctx, module, call, call, host, secret,
                                   "ssl=False" if ssl is not None else "no ssl=True")

    def _report(self, ctx: RuleContext, module: PythonModule, call: CallSite, node: object,
                host: str, secret: bool, how: str) -> Finding:
        return self.finding(
            ctx, **where(module, node), key=f"{call.callee}:{host}",
            severity=Severity.MEDIUM if secret else Severity.LOW,
            message=f"{call.callee}() connects to Redis at {host} in plaintext ({how})"
                    f"{', sending its password in clear' if secret else ''}: cached customer "
                    f"data and sessions are readable on the path. Policy: data in transit is "
                    f"encrypted with TLS. Fix: {_FIX} (CWE-319)",
            message_zh=f"{call.callee}() 以明文（{_HOW_ZH.get(how, how)}）连接位于 {host} 的 Redis"
                       f"{'，并以明文发送其口令' if secret else ''}：缓存的客户数据和会话可在"
                       f"传输路径上被读取。策略：传输中的数据须使用 TLS 加密。修复：{_FIX_ZH}"
                       f"（CWE-319）")
