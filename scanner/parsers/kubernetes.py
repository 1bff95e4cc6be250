"""Kubernetes manifests: every document of a multi-document YAML stream, with line numbers.

Parsed with PyYAML's SafeLoader only. Mappings are constructed as ``LineMap`` (a dict that also
knows its own line and the line of each key), so any value can be located. RBAC kinds get their
rules, subjects and roleRef in a flat form. ``kind: List`` items count as documents. The parser
judges nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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

    try:
        loader = _line_loader(yaml)(text)
    except yaml.YAMLError as exc:
        # The reader checks every character when it is built (ReaderError on a control character
        # such as ESC or \x1f), before the try below: that escaped as a non-ParseError.
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        raise ParseError(f"invalid YAML: {exc}", line) from None
    objects: list[K8sObject] = []
    try:
        # get_data() split in two, so that each document's node graph is measured before it is
        # turned into Python objects (see _refuse_alias_bomb).
        while loader.check_node():
            node = loader.get_node()
            _refuse_alias_bomb(node)
            _collect(loader.construct_document(node), objects)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ParseError(f"invalid YAML: {exc.problem or exc.context}",
                         _source_line(loader, mark) if mark else None) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return KubernetesDocument(objects)


# Nodes a document may stand for once every alias is expanded. Real manifests are far below it;
# a "billion laughs" document (nine aliases of nine aliases of ...) is far above it.
MAX_EXPANDED_NODES = 1_000_000


def _refuse_alias_bomb(root: Any) -> None:
    """Raise ParseError when aliases make a document expand to more than MAX_EXPANDED_NODES.

    PyYAML shares an aliased node instead of copying it, so loading a bomb is cheap -- but any
    reader that walks or str()s the result (the RBAC flattening does) expands it to gigabytes.
    Sizes are memoised per node object, so measuring costs one pass over the unexpanded graph;
    the recursion depth is bounded by what the (recursive) composer itself managed to build.
    """
    sizes: dict[int, int] = {}

    def expanded(node: Any) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a node seen again while being measured (recursive alias): count once
        if isinstance(node.value, list):
            children = (item for pair in node.value for item in (pair if isinstance(pair, tuple) else (pair,)))
            total = 1 + sum(expanded(child) for child in children)
        else:
            total = 1
        if total > MAX_EXPANDED_NODES:
            line = node.start_mark.line + 1
            raise ParseError(f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                             f"(an alias bomb?): not loaded", line)
        sizes[id(node)] = total
        return total

    expanded(root)


_LOADER: Any = None


def _line_loader(yaml: Any) -> Any:
    global _LOADER
    if _LOADER is None:
        class LineLoader(yaml.SafeLoader):
            pass

        def construct_map(loader: Any, node: Any) -> Any:
            data = LineMap()
            data.line = _source_line(loader, node.start_mark)
            data.key_lines = {str(k.value): _source_line(loader, k.start_mark)
                              for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
            yield data
            data.update(loader.construct_mapping(node))

        LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
        _LOADER = LineLoader
    return _LOADER


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as scanner.parsers.text.source_lines breaks lines


def _source_line(loader: Any, mark: Any) -> int:
    """The 1-based line of a PyYAML mark as editors and the other parsers count lines. PyYAML's
    ``mark.line`` also breaks at \x85, \u2028 and \u2029 (YAML 1.1 line breaks), so a manifest
    with one of them in a comment or a string had every later finding on the wrong line."""
    ends = getattr(loader, "_line_ends", None)
    if ends is None:  # the reader holds the whole text (+ "\0") for a str input
        ends = loader._line_ends = [m.end() for m in _LINE_BREAK.finditer(loader.buffer)]
    return bisect_right(ends, mark.index) + 1


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
