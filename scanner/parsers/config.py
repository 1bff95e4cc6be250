"""The "config" model of one input: the parser of its family, chosen by input kind.

``FAMILIES`` maps an input kind to "module:function" with signature ``parse(text, path) ->
ConfigDocument``; modules are imported on first use. A kind with no parser yields an empty
document, so a rule for one family never fails on another.
"""

from __future__ import annotations

from importlib import import_module

from scanner.model.config import ConfigDocument
from scanner.parsers.source import InputSource

FAMILIES: dict[str, str] = {  # filled by the family parsers' authors: kind -> "module:parse"
    "nginx": "scanner.parsers.config_nginx:parse",
    "apache": "scanner.parsers.config_apache:parse",
    "haproxy": "scanner.parsers.config_haproxy:parse",
    "postgresql-conf": "scanner.parsers.config_postgresql:parse",
    "pg-hba": "scanner.parsers.config_pg_hba:parse",
    "mysql-cnf": "scanner.parsers.config_mycnf:parse",
    "redis-conf": "scanner.parsers.config_redis:parse",
    "properties": "scanner.parsers.config_properties:parse",
    "yaml": "scanner.parsers.config_properties:parse_yaml",  # restricted: flattened mapping keys
}


def build(source: InputSource) -> ConfigDocument:
    target = FAMILIES.get(source.kind)
    if target is None:
        return ConfigDocument(family=source.kind)
    module_name, _, attr = target.partition(":")
    return getattr(import_module(module_name), attr)(source.text, source.path)
