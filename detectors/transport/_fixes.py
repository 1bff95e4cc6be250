"""Autofixes for the transport rules DP201 and DP203, run by `dpscan fix` (scanner.fix).

Only `dpscan fix` imports this module (it imports libcst); the rules name their fixer by its
dotted path. Every fixer edits the node at the finding's span and nothing else; a finding whose
node is not in a shape with one obvious fix is left with the reason.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from scanner.finding import Confidence, Finding
from scanner.fix import Edit, FixTree, Planned

# urllib3 factories: cert_reqs=ssl.CERT_REQUIRED there loads the system trust store itself.
_URLLIB3 = frozenset({"PoolManager", "ProxyManager", "HTTPSConnectionPool", "connection_from_url",
                      "proxy_from_url"})
# The arguments ssl.create_default_context accepts with the same meaning.
_DEFAULT_CONTEXT_ARGS = frozenset({"purpose", "cafile", "capath", "cadata"})
_UNVERIFIED = frozenset({"_create_unverified_context", "_create_stdlib_context"})
_CERT_NONE_STRINGS = {"CERT_NONE": "CERT_REQUIRED", "NONE": "REQUIRED"}


# -- DP201 tls-verify-disabled ------------------------------------------------------------------


def fix_tls_verify(tree: FixTree, findings: list[Finding]) -> list[Planned]:
    planned = [_plan_dp201(tree, f) for f in findings]
    # check_hostname = True is only valid while verify_mode is not CERT_NONE (setting CERT_NONE
    # afterwards raises ValueError): keep it back while a CERT_NONE of this file stays unfixed.
    cert_none_left = any(p.edit is None and p.finding.key.endswith("CERT_NONE") for p in planned)
    if cert_none_left:
        planned = [Planned(p.finding, None, "ssl.CERT_NONE elsewhere in this file has no safe fix, "
                                            "and check_hostname=True would make it raise")
                   if p.edit is not None and p.finding.key.endswith("check_hostname") else p
                   for p in planned]
    return planned


def _plan_dp201(tree: FixTree, finding: Finding) -> Planned:
    key = finding.key
    if key.endswith((":verify", ":ssl", ":verify_ssl")):
        return _drop_keyword(tree, finding)
    if key.endswith(":cert_reqs"):
        return _cert_reqs_literal(tree, finding)
    if key.endswith(("ssl._create_unverified_context", "ssl._create_stdlib_context")):
        return _unverified_context(tree, finding)
    if key.endswith("CERT_NONE"):
        return _cert_none(tree, finding)
    if key.endswith((".check_hostname", ".verify")):
        return _attribute_off(tree, finding)
    return Planned(finding, None, "no autofix for this form")


def _keyword_arg(tree: FixTree, finding: Finding) -> tuple[Any, Any, int] | None:
    """(call, argument, index) when the finding spans the value of a keyword argument."""
    for node in tree.at(finding):
        arg = tree.parent(node)
        call = tree.parent(arg) if isinstance(arg, cst.Arg) else None
        if isinstance(call, cst.Call) and arg.keyword is not None and arg.value is node:
            return call, arg, list(call.args).index(arg)
    return None


def _drop_keyword(tree: FixTree, finding: Finding) -> Planned:
    found = _keyword_arg(tree, finding)
    if found is None:
        return Planned(finding, None, "the reported value is not a keyword argument")
    call, _arg, index = found
    if any(a.star for a in list(call.args)[index + 1:]):
        return Planned(finding, None, "a **kwargs after the argument could set it again")
    guessed = finding.confidence is not Confidence.HIGH
    return Planned(finding, Edit(drop_args={call: {index}}, safe=not guessed,
                                 note="the object is not proven to be an HTTP client" if guessed
                                 else ""))


def _cert_reqs_literal(tree: FixTree, finding: Finding) -> Planned:
    found = _keyword_arg(tree, finding)
    if found is None:
        return Planned(finding, None, "the reported value is not a keyword argument")
    value = found[1].value
    if isinstance(value, cst.SimpleString):
        quote = value.prefix + value.quote
        body = value.value[len(quote):-len(value.quote)]
        if body not in _CERT_NONE_STRINGS or "b" in value.prefix.lower():
            return Planned(finding, None, "unexpected string literal")
        new = f"{quote}{_CERT_NONE_STRINGS[body]}{value.quote}"
        return Planned(finding, Edit(replace={value: lambda n: n.with_changes(value=new)}))
    if isinstance(value, cst.Integer):
        return Planned(finding, Edit(replace={value: lambda n: cst.SimpleString('"CERT_REQUIRED"')}))
    return Planned(finding, None, "unexpected value")


def _unverified_context(tree: FixTree, finding: Finding) -> Planned:
    attrs = tree.at(finding, cst.Attribute)
    if not attrs or attrs[0].attr.value not in _UNVERIFIED:
        return Planned(finding, None, "imported under another name; rewrite by hand")
    attr = attrs[0]
    swap = {attr: lambda n: n.with_changes(attr=cst.Name("create_default_context"))}
    parent = tree.parent(attr)
    if isinstance(parent, cst.Call) and parent.func is attr:
        if all(a.keyword is not None and a.keyword.value in _DEFAULT_CONTEXT_ARGS and not a.star
               for a in parent.args):
            return Planned(finding, Edit(replace=swap))
        return Planned(finding, None, "arguments that ssl.create_default_context does not take "
                                      "(protocol, cert_reqs, check_hostname, certfile/keyfile)")
    # ssl._create_default_https_context = ssl._create_unverified_context: the module's own
    # default is ssl.create_default_context.
    if isinstance(parent, cst.Assign) and parent.value is attr and all(
            isinstance(t.target, cst.Attribute) and t.target.attr.value == "_create_default_https_context"
            for t in parent.targets):
        return Planned(finding, Edit(replace=swap))
    return Planned(finding, None, "the factory is passed on, not called; rewrite by hand")


def _cert_none(tree: FixTree, finding: Finding) -> Planned:
    attrs = tree.at(finding, cst.Attribute)
    if not attrs or attrs[0].attr.value != "CERT_NONE":
        return Planned(finding, None, "imported under another name; rewrite by hand")
    attr = attrs[0]
    swap = {attr: lambda n: n.with_changes(attr=cst.Name("CERT_REQUIRED"))}
    parent = tree.parent(attr)
    if isinstance(parent, cst.Assign) and parent.value is attr and all(
            isinstance(t.target, cst.Attribute) and t.target.attr.value == "verify_mode"
            for t in parent.targets):
        return Planned(finding, Edit(replace=swap))
    if isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "cert_reqs":
        call = tree.parent(parent)
        callee = tree.code(call.func).rpartition(".")[2] if isinstance(call, cst.Call) else ""
        if callee in _URLLIB3:
            return Planned(finding, Edit(replace=swap))
        return Planned(finding, Edit(replace=swap, safe=False,
                                     note="the call may load no CA certificates to verify with"))
    return Planned(finding, None, "not a verify_mode assignment or a cert_reqs argument")


def _attribute_off(tree: FixTree, finding: Finding) -> Planned:
    """``ctx.check_hostname = False`` / ``session.verify = False`` -> ``True``."""
    for node in tree.at(finding, cst.Assign, cst.AnnAssign):
        value = node.value
        if isinstance(value, cst.Name) and value.value == "False" or (
                isinstance(value, cst.Integer) and value.value == "0"):
            guessed = finding.confidence is not Confidence.HIGH
            return Planned(finding, Edit(
                replace={value: lambda n: cst.Name("True", lpar=n.lpar, rpar=n.rpar)},
                safe=not guessed, note="the object is not proven to be a requests session"
                if guessed else ""))
    return Planned(finding, None, "not a plain assignment of False")


# -- DP203 ssl-legacy-protocol ------------------------------------------------------------------

# Calls that take an SSLContext for the client side of a connection.
_CLIENT_TAKERS = frozenset({"urlopen", "HTTPSConnection", "HTTPSHandler", "SMTP_SSL", "starttls",
                            "IMAP4_SSL", "POP3_SSL", "stls", "FTP_TLS", "open_connection",
                            "create_connection", "TCPConnector", "ClientSession"})
_CONTEXT_KEYWORDS = frozenset({"context", "ssl_context", "ssl"})
# Context methods that neither prove nor contradict client use.
_NEUTRAL_METHODS = frozenset({"load_verify_locations", "load_default_certs",
                              "set_default_verify_paths", "set_ciphers", "set_alpn_protocols",
                              "load_cert_chain"})
_LEGACY = ("PROTOCOL_SSLv2", "PROTOCOL_SSLv3", "PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1")


def fix_legacy_protocol(tree: FixTree, findings: list[Finding]) -> list[Planned]:
    return [_plan_dp203(tree, f) for f in findings]


def _plan_dp203(tree: FixTree, finding: Finding) -> Planned:
    attrs = [a for a in tree.at(finding, cst.Attribute) if a.attr.value in _LEGACY]
    if not attrs:
        return Planned(finding, None, "only ssl.PROTOCOL_* passed to ssl.SSLContext is fixed")
    attr = attrs[0]
    arg = tree.parent(attr)
    call = tree.parent(arg) if isinstance(arg, cst.Arg) else None
    is_protocol = isinstance(call, cst.Call) and (
        arg.keyword.value == "protocol" if arg.keyword is not None else list(call.args).index(arg) == 0)
    if not is_protocol or tree.code(call.func).rpartition(".")[2] != "SSLContext":
        return Planned(finding, None, "only ssl.PROTOCOL_* passed to ssl.SSLContext is fixed")
    why = _client_side(tree, call)
    if why:
        return Planned(finding, None, why)
    return Planned(finding, Edit(
        replace={attr: lambda n: n.with_changes(attr=cst.Name("PROTOCOL_TLS_CLIENT"))},
        safe=False, note="PROTOCOL_TLS_CLIENT also turns on certificate and host name checks"))


def _client_side(tree: FixTree, call: Any) -> str:
    """"" when the context is provably used for client connections only, else why not."""
    holder = tree.parent(call)
    if isinstance(holder, cst.Arg):
        return "" if _takes_client_context(tree, holder) else "the context's use is not a known client"
    assign = holder if isinstance(holder, cst.Assign) else None
    if assign is None or len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
        return "the context is not stored in a plain variable"
    name = assign.targets[0].target.value
    scope = _scope_of(tree, assign)
    proven = False
    for use in _names(scope, name):
        if use is assign.targets[0].target:
            continue
        parent = tree.parent(use)
        if isinstance(parent, cst.Arg) and parent.value is use:
            if not _takes_client_context(tree, parent):
                return f"{name} is passed to a call not known to be a client"
            proven = True
        elif isinstance(parent, cst.Attribute) and parent.value is use:
            method, outer = parent.attr.value, tree.parent(parent)
            if method == "wrap_socket" and isinstance(outer, cst.Call):
                keywords = {a.keyword.value for a in outer.args if a.keyword is not None}
                if "server_side" in keywords or "server_hostname" not in keywords:
                    return f"{name}.wrap_socket without server_hostname= may be a server socket"
                proven = True
            elif method in _NEUTRAL_METHODS and isinstance(outer, cst.Call):
                if method == "load_default_certs" and outer.args:
                    return f"{name}.load_default_certs(purpose) may be for a server"
            elif method in ("minimum_version", "maximum_version", "options"):
                continue
            else:
                return f"{name}.{method} is used: may be a server or set verification itself"
        else:
            return f"{name} is used in a way the fixer cannot follow"
    return "" if proven else f"{name} is never shown to be used for a client connection"


def _takes_client_context(tree: FixTree, arg: Any) -> bool:
    call = tree.parent(arg)
    return (isinstance(call, cst.Call) and arg.keyword is not None
            and arg.keyword.value in _CONTEXT_KEYWORDS
            and tree.code(call.func).rpartition(".")[2] in _CLIENT_TAKERS)


def _scope_of(tree: FixTree, node: Any) -> Any:
    while node is not None and not isinstance(node, (cst.FunctionDef, cst.Module)):
        node = tree.parent(node)
    return node if node is not None else tree.module


def _names(scope: Any, name: str) -> list[Any]:
    found: list[Any] = []

    class Collect(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            if node.value == name:
                found.append(node)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            node.value.visit(self)  # "x.ctx" is no use of ctx
            return False

    scope.visit(Collect())
    return found
