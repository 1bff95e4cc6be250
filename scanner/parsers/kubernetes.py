"""Kubernetes manifests: every document of a multi-document YAML stream, with line numbers.

Parsed with PyYAML's SafeLoader only. Mappings are constructed as ``LineMap`` (a dict that also
knows its own line and the line of each key), so any value can be located. RBAC kinds get their
rules, subjects and roleRef in a flat form. ``kind: List`` items count as documents. The parser
judges nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.parsers import ParseError

ROLE_KINDS = frozenset({"Role", "ClusterRole"})
BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})


class LineMap(dict):
    """A YAML mapping that remembers where it was written (1-based lines)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass
class RbacRule:
    api_groups: list[str]
    resources: list[str]
    verbs: list[str]
    resource_names: list[str]
    non_resource_urls: list[str]
    line: int


@dataclass
class Subject:
    kind: str  # ServiceAccount | User | Group
    name: str
    namespace: str
    line: int


@dataclass
class RoleRef:
    kind: str
    name: str
    line: int


@dataclass
class K8sObject:
    api_version: str
    kind: str
    name: str
    namespace: str
    line: int
    body: LineMap
    rules: list[RbacRule] = field(default_factory=list)  # Role, ClusterRole
    subjects: list[Subject] = field(default_factory=list)  # RoleBinding, ClusterRoleBinding
    role_ref: RoleRef | None = None


@dataclass
class KubernetesDocument:
    objects: list[K8sObject]

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        return [o for o in self.objects if o.kind in kinds]


def build(text: str, path: str) -> KubernetesDocument:
    import yaml

    loader = _line_loader(yaml)(text)
    objects: list[K8sObject] = []
    try:
        while loader.check_data():
            _collect(loader.get_data(), objects)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(f"invalid YAML: {exc.problem or exc.context}",
                         mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return KubernetesDocument(objects)


_LOADER: Any = None


def _line_loader(yaml: Any) -> Any:
    global _LOADER
    if _LOADER is None:
        class LineLoader(yaml.SafeLoader):
            pass

        def construct_map(loader: Any, node: Any) -> Any:
            data = LineMap()
            data.line = node.start_mark.line + 1
            data.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value
                              if isinstance(k, yaml.ScalarNode)}
            yield data
            data.update(loader.construct_mapping(node))

        LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
        _LOADER = LineLoader
    return _LOADER


def _collect(doc: Any, out: list[K8sObject]) -> None:
    if not isinstance(doc, LineMap) or not isinstance(doc.get("kind"), str):
        return
    if doc["kind"] == "List":
        for item in _list(doc.get("items")):
            _collect(item, out)
        return
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    obj = K8sObject(api_version=str(doc.get("apiVersion", "")), kind=doc["kind"],
                    name=str(meta.get("name", "")), namespace=str(meta.get("namespace", "") or ""),
                    line=doc.line_of("kind"), body=doc)
    if obj.kind in ROLE_KINDS:
        obj.rules = [RbacRule(_strs(r.get("apiGroups")), _strs(r.get("resources")),
                              _strs(r.get("verbs")), _strs(r.get("resourceNames")),
                              _strs(r.get("nonResourceURLs")), r.line)
                     for r in _list(doc.get("rules")) if isinstance(r, LineMap)]
    if obj.kind in BINDING_KINDS:
        obj.subjects = [Subject(str(s.get("kind", "")), str(s.get("name", "")),
                                str(s.get("namespace", "") or ""), s.line)
                        for s in _list(doc.get("subjects")) if isinstance(s, LineMap)]
        ref = doc.get("roleRef")
        if isinstance(ref, LineMap):
            obj.role_ref = RoleRef(str(ref.get("kind", "")), str(ref.get("name", "")), ref.line)
    out.append(obj)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strs(value: Any) -> list[str]:
    return [str(v) for v in _list(value)]
