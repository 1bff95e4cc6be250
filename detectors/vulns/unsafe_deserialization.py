"""DP703: data is deserialised with a loader that can run code (clause 3.3.4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# Loaders that rebuild arbitrary objects (pickle protocol, marshal code objects, py/object tags).
_ALWAYS = {
    "pickle.loads": "json", "pickle.load": "json", "pickle.Unpickler": "json",
    "_pickle.loads": "json", "_pickle.load": "json", "cPickle.loads": "json",
    "cPickle.load": "json", "dill.loads": "json", "dill.load": "json",
    "marshal.loads": "json", "marshal.load": "json", "jsonpickle.decode": "json",
    "jsonpickle.unpickler.decode": "json", "pandas.read_pickle": "pandas.read_parquet or CSV",
    "yaml.unsafe_load": "yaml.safe_load", "yaml.unsafe_load_all": "yaml.safe_load_all",
    "yaml.full_load": "yaml.safe_load", "yaml.full_load_all": "yaml.safe_load_all",
}
_YAML_LOAD = {"yaml.load": "yaml.safe_load", "yaml.load_all": "yaml.safe_load_all"}
_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_UNSAFE_LOADERS = frozenset({"Loader", "CLoader", "UnsafeLoader", "CUnsafeLoader", "FullLoader",
                             "CFullLoader"})


class UnsafeDeserialization(Rule):
    """Data is deserialised with pickle, marshal, jsonpickle or an unsafe YAML loader.

    ``pickle``/``cPickle``/``dill``/``marshal`` ``load(s)``, ``jsonpickle.decode``,
    ``pandas.read_pickle``, ``yaml.unsafe_load``/``full_load`` and ``yaml.load`` without
    ``Loader=SafeLoader`` (or with ``Loader``/``UnsafeLoader``/``FullLoader``) rebuild whatever
    objects the input names, which lets a crafted payload run code in the service and reach
    every customer record it can. Clause 3.3.4 asks that such vulnerabilities be found and
    fixed. High severity when the argument visibly comes from request data (``request.body``,
    ``request.data``, ``request.get_data()``, ``request.files``, ``request.POST``...) in the same
    function, medium otherwise: a local file can still be replaced by whoever can write there.
    ``shelve``, ``torch.load`` and ``numpy.load(allow_pickle=True)`` are not checked.
    """

    id = "DP703"
    name = "unsafe-deserialization"
    clauses = ("3.3.4",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Exchange data as JSON (json.loads) or another data-only format and validate it; for "
        "YAML use yaml.safe_load / yaml.load(s, Loader=yaml.SafeLoader). Never unpickle what a "
        "client sent; if pickle between trusted services is unavoidable, sign the payload "
        "(hmac.compare_digest before loads) and restrict Unpickler.find_class."
    )
    references = ("CWE-502", "OWASP Top 10 2021 A08 Software and Data Integrity Failures",
                  "Bandit B301", "Bandit B302", "Bandit B506",
                  "OWASP Deserialization Cheat Sheet")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("pickle", "yaml", "marshal", "dill")

    bad = (
        Example("import pickle\nfrom flask import request\n\ndef upload():\n"
                "    return pickle.loads(request.get_data())\n", expect=1),
        Example("import yaml\n\ndef read(path):\n    with open(path) as f:\n"
                "        return yaml.load(f, Loader=yaml.Loader)\n", expect=1),
    )
    good = (
        Example("import json\nfrom flask import request\n\ndef upload():\n"
                "    return json.loads(request.get_data())\n"),
        Example("import yaml\n\ndef read(path):\n    with open(path) as f:\n"
                "        return yaml.load(f, Loader=yaml.SafeLoader)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        from detectors.crypto._flow import flow
        from detectors.vulns._pyflow import from_request

        for call in module.calls:
            name, shown, shown_zh, fix = _unsafe(module, call)
            if not name:
                continue
            data = call.positional(0)
            keywords = call.node.keywords
            if data is None and not call.node.args and keywords and keywords[0].arg:
                data = keywords[0].value  # pickle.loads(data=...): the first argument
            source = from_request(module, data, flow(module).scope(call))
            if source:
                severity, origin = Severity.HIGH, f"request data ({source})"
                origin_zh = f"请求数据（{source}）"
            else:
                severity, origin = Severity.MEDIUM, "data whose origin is not visible here"
                origin_zh = "来源在此处不可见的数据"
            yield self.finding(
                ctx, line=call.line, column=call.column, end_line=call.end_line,
                end_column=call.end_column, severity=severity, key=name,
                message=(f"{shown} deserialises {origin}: a crafted payload can run code "
                         f"in the service and reach customer data (CWE-502); use {fix}"),
                message_zh=(f"{shown_zh} 反序列化{origin_zh}：精心构造的载荷可在服务中执行代码"
                            f"并获取客户数据（CWE-502）；应改用 {fix.replace(' or ', ' 或 ')}"),
            )


def _unsafe(module: PythonModule, call: CallSite) -> tuple[str, str, str, str]:
    """(qualified name, how to show it, the same in Chinese, safe alternative) for an unsafe
    load; empty if not."""
    for qualname in sorted(call.qualnames):
        if qualname in _ALWAYS:
            return qualname, f"{qualname}()", f"{qualname}()", _ALWAYS[qualname]
        if qualname in _YAML_LOAD:
            loader = call.keyword("Loader")
            loader = loader if loader is not None else call.positional(1)
            if loader is None:
                return (qualname, f"{qualname}() without a safe Loader",
                        f"未指定安全 Loader 的 {qualname}()", _YAML_LOAD[qualname])
            last = module.code(loader).rpartition(".")[2]
            if last in _UNSAFE_LOADERS:
                shown = f"{qualname}(Loader={last})"
                return qualname, shown, shown, _YAML_LOAD[qualname]
            return "", "", "", ""  # SafeLoader, or a custom loader class this rule cannot judge
    return "", "", "", ""
