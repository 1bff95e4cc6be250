"""Shared reading of nginx, Apache httpd and HAProxy config models for the web-server TLS rules
(DP220-DP224): inheritance, TLS servers, protocol sets. Facts only; the rules judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scanner.model.config import ConfigDocument, Directive
from scanner.tls.profiles import PROFILES, PROTOCOLS, normalise_protocol, protocol_range

MOZILLA = "Mozilla Server Side TLS v5.7 (https://wiki.mozilla.org/Security/Server_Side_TLS)"
WEB_KINDS = frozenset({"nginx", "apache", "haproxy"})

# -- nginx ---------------------------------------------------------------------------------------
NGINX_DEFAULT_CIPHERS = "HIGH:!aNULL:!MD5"  # ssl_ciphers default since nginx 1.0.5
_HARMLESS_INCLUDE = re.compile(r"(mime\.types|_params|/sites-(enabled|available)/[^/]*)$")


@dataclass
class NginxServer:
    block: Directive
    chain: tuple[Directive, ...]  # enclosing blocks, outermost first, ending with the server
    full_view: bool  # the http block is in this file: nothing can be inherited from elsewhere

    @property
    def tls(self) -> bool:
        return bool(self.tls_listens) or any(d.args[:1] == ("on",) for d in self.block.find("ssl"))

    @property
    def tls_listens(self) -> list[Directive]:
        return [d for d in self.block.find("listen") if {"ssl", "quic"} & set(d.args[1:])]

    @property
    def plain_listens(self) -> list[Directive]:
        return [d for d in self.block.find("listen") if not {"ssl", "quic"} & set(d.args[1:])]

    @property
    def anchor(self) -> Directive:
        """Where server-wide findings point: the first TLS listen, else the server line."""
        return (self.tls_listens or [self.block])[0]

    def effective(self, name: str, upto: Directive | None = None) -> Directive | None:
        """The directive that applies in ``upto`` (default: the server), inherited outward."""
        chain = self.chain if upto is None else (*self.chain, *_path(self.block, upto))
        for block in reversed(chain):
            found = block.find(name)
            if found:
                return found[-1]
        return None

    def unresolved_include(self) -> bool:
        """An include in the server or an enclosing block might set what seems missing. MIME
        types, *_params files and sites-enabled/ globs (which hold servers) cannot."""
        return any(not _HARMLESS_INCLUDE.search(d.value)
                   for block in self.chain for d in block.find("include"))

    def known(self, name: str) -> bool:
        """Whether the absence of ``name`` is certain (whole chain visible, no includes)."""
        if self.effective(name) is not None:
            return True
        return self.full_view and not self.unresolved_include()


def nginx_servers(document: ConfigDocument) -> Iterator[NginxServer]:
    """HTTP servers: those in http {} blocks, and those at the top of a snippet file."""
    full = any(d.key == "http" for d in document.directives)

    def visit(block: Directive, chain: tuple[Directive, ...]) -> Iterator[NginxServer]:
        for child in block.children:
            # proxy_pass directly in a server block only exists in stream {} (TCP/UDP) servers,
            # which a snippet file may hold at its top level: not HTTP, skipped.
            if child.key == "server" and block.key in ("http", "<root>") and not (
                    block.key == "<root>" and child.find("proxy_pass")):
                yield NginxServer(child, (*chain, child), full)
            elif child.key == "http":
                yield from visit(child, (*chain, child))

    yield from visit(document.root, ())


def nginx_locations(block: Directive) -> Iterator[tuple[Directive, tuple[Directive, ...]]]:
    """Every location (and if) block below ``block``, with the path of blocks down to it."""
    for child in block.children:
        if child.key in ("location", "if", "limit_except"):
            yield child, (child,)
            for inner, path in nginx_locations(child):
                yield inner, (child, *path)


def _path(top: Directive, target: Directive) -> tuple[Directive, ...]:
    if target is top:
        return ()
    for block, path in nginx_locations(top):
        if block is target:
            return path
    return ()


def nginx_protocols(directive: Directive | None) -> frozenset[str] | None:
    if directive is None:
        return None
    return frozenset(p for p in map(normalise_protocol, directive.args) if p)


# -- Apache httpd --------------------------------------------------------------------------------
_TRANSPARENT = frozenset({"ifmodule", "ifdefine", "ifversion", "ifdirective", "iffile"})


def apache_scope(block: Directive) -> Iterator[Directive]:
    """Directives that apply at ``block``'s own level: its children, looking into <IfModule>
    and friends (assumed true) but not into <VirtualHost>, <Directory> or <Location>."""
    for child in block.children:
        if child.key in _TRANSPARENT:
            yield from apache_scope(child)
        else:
            yield child


def apache_last(block: Directive, key: str) -> Directive | None:
    found = [d for d in apache_scope(block) if d.key == key]
    return found[-1] if found else None


def apache_vhosts(document: ConfigDocument) -> list[Directive]:
    return [d for d in apache_scope(document.root) if d.key == "virtualhost"]


def apache_effective(document: ConfigDocument, vhost: Directive, key: str) -> Directive | None:
    """The vhost's own directive, else the server-wide one of this file."""
    return apache_last(vhost, key) or apache_last(document.root, key)


def apache_ssl(document: ConfigDocument, vhost: Directive) -> bool:
    engine = apache_effective(document, vhost, "sslengine")
    return engine is not None and engine.value.lower() in ("on", "optional")


def apache_is_main(document: ConfigDocument) -> bool:
    """httpd.conf / apache2.conf rather than a vhost file included into it."""
    return any(d.key in ("serverroot", "loadmodule", "listen") for d in apache_scope(document.root))


def apache_protocols(directive: Directive) -> frozenset[str]:
    """mod_ssl's SSLProtocol: ``all`` = SSLv3 TLSv1 TLSv1.1 TLSv1.2 TLSv1.3; ``+x`` adds, ``-x``
    removes, a bare name replaces what came before (httpd warns about it)."""
    enabled: set[str] = set()
    for word in directive.args:
        action, name = (word[0], word[1:]) if word[:1] in "+-" else ("", word)
        versions = set(protocol_range("SSLv3")) if name.lower() == "all" else (
            {normalise_protocol(name)} - {None})
        if action == "-":
            enabled -= versions
        elif action == "+":
            enabled |= versions
        else:
            enabled = set(versions)
    return frozenset(enabled)


# -- HAProxy ---------------------------------------------------------------------------------------
_VALUED = frozenset({"crt", "crt-list", "ca-file", "ciphers", "ciphersuites", "ssl-min-ver",
                     "ssl-max-ver", "alpn", "npn", "curves", "ecdhe", "crl-file", "verify",
                     "name", "process", "interface", "maxconn", "backlog", "id", "mode", "user",
                     "group", "uid", "gid", "level", "severity-output", "sigalgs",
                     "client-sigalgs", "thread", "nice", "tcp-ut", "mss", "namespace", "proto",
                     "accept-netscaler-cip", "ca-ignore-err", "crt-ignore-err", "ca-sign-file",
                     "ca-sign-pass", "ca-verify-file", "ocsp-update", "quic-cc-algo", "label",
                     "guid-prefix", "default-crt", "shards", "idle-ping"})


def haproxy_options(words: tuple[str, ...]) -> tuple[set[str], dict[str, str]]:
    """Flags (``ssl``, ``no-tlsv11``, ``prefer-client-ciphers``) and valued keywords of a bind
    line's arguments (address excluded) or of ``ssl-default-bind-options``."""
    flags, values, i = set(), {}, 0
    while i < len(words):
        word = words[i].lower()
        if word in _VALUED and i + 1 < len(words):
            values[word] = words[i + 1]
            i += 2
            continue
        flags.add(word)
        i += 1
    return flags, values


def haproxy_protocols(flags: set[str], values: dict[str, str],
                      default_min: str) -> frozenset[str]:
    for version in ("sslv3", "tlsv10", "tlsv11", "tlsv12", "tlsv13"):
        if f"force-{version}" in flags:
            return frozenset({normalise_protocol(version)})
    low = normalise_protocol(values.get("ssl-min-ver", "")) or default_min
    high = normalise_protocol(values.get("ssl-max-ver", "")) or "TLSv1.3"
    in_order = PROTOCOLS.index(low) <= PROTOCOLS.index(high)
    enabled = set(protocol_range(low, high)) if in_order else set()
    if "ssl-min-ver" in values or "ssl-max-ver" in values:
        return frozenset(enabled)  # HAProxy then ignores no-sslv3/no-tlsv1x (it warns so)
    for version in ("sslv3", "tlsv10", "tlsv11", "tlsv12", "tlsv13"):
        if f"no-{version}" in flags:
            enabled.discard(normalise_protocol(version))
    return frozenset(enabled)


def haproxy_sections(document: ConfigDocument, *kinds: str) -> list[Directive]:
    return [d for d in document.directives if d.key in kinds]


def haproxy_proxies(document: ConfigDocument, *kinds: str) -> Iterator[tuple[Directive, str]]:
    """Sections of ``kinds`` with their mode: their own ``mode``, else that of the last
    ``defaults`` section above them, else HAProxy's default, tcp."""
    mode = "tcp"
    for section in document.directives:
        own = section.find("mode")
        if section.key == "defaults":
            mode = own[-1].value.lower() if own else mode
        elif section.key in kinds:
            yield section, own[-1].value.lower() if own else mode


def haproxy_global(document: ConfigDocument, key: str) -> Directive | None:
    found = [d for s in haproxy_sections(document, "global") for d in s.find(key)]
    return found[-1] if found else None


def block_finding_place(ctx_kind: str, block: Directive, label: str) -> dict[str, str]:
    """``object`` and ``key`` for a finding located at a block's own line (an Apache
    <VirtualHost>): named after the block itself, not only what encloses it."""
    path = " > ".join((*block.context, label))
    return {"object": f"{ctx_kind}:{path}", "key": f"{path}:{block.key}".lower()}


# -- fixes, by family --------------------------------------------------------------------------
def protocol_fix(family: str, profile: str) -> str:
    versions = PROFILES[profile].protocols
    if family == "nginx":
        return f"ssl_protocols {' '.join(versions)};"
    if family == "apache":
        return "SSLProtocol -all " + " ".join("+" + v for v in versions)
    lowest = "TLSv1.0" if versions[0] == "TLSv1" else versions[0]
    return f"ssl-default-bind-options ssl-min-ver {lowest} (or ssl-min-ver {lowest} on the bind)"


def cipher_fix(family: str, profile: str, directive: str) -> str:
    """The directive to write instead, with the profile's cipher string."""
    recommended = PROFILES[profile].ciphers
    if not recommended:  # modern: TLS 1.3 only, where the TLS 1.2 cipher list does not matter
        return f"{protocol_fix(family, 'modern')} (TLS 1.3 only; {directive} then does not apply)"
    if family == "nginx":
        return f"{directive} {recommended};"
    return f"{directive} {recommended}"


def severity_of_protocols(bad: tuple[str, ...]) -> str:
    """high for SSLv2/SSLv3 (DROWN, POODLE), medium for TLS 1.0/1.1, low for TLS 1.2 (modern)."""
    if {"SSLv2", "SSLv3"} & set(bad):
        return "high"
    return "medium" if {"TLSv1", "TLSv1.1"} & set(bad) else "low"
