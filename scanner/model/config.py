"""The config model: directives with their arguments, source locations and enclosing blocks.

One shape for every configuration family (nginx, Apache httpd, HAProxy, postgresql.conf,
pg_hba.conf, my.cnf, redis.conf, ...). Flat formats have no children; block formats nest. Each
family's parser lives in scanner/parsers/config_<family>.py and fills this model; rules in
detectors/ read it and never parse text themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Directive:
    name: str  # as written; families whose keys are case-insensitive also set ``key``
    args: tuple[str, ...] = ()  # unquoted arguments / the value(s)
    line: int = 0  # 1-based line of the directive's name
    column: int = 1
    children: list[Directive] = field(default_factory=list)  # a block's body
    # Block path from the document root to this directive's parent, for messages and context:
    # ("http", "server api.example.com:443") or ("[mysqld]",).
    context: tuple[str, ...] = ()
    source: str = ""  # the file it came from when an include pulled it in ("" = this input)

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def value(self) -> str:
        return " ".join(self.args)

    def find(self, name: str) -> list[Directive]:
        """Direct children named ``name`` (case-insensitive)."""
        wanted = name.lower()
        return [d for d in self.children if d.key == wanted]

    def walk(self) -> Iterator[Directive]:
        for child in self.children:
            yield child
            yield from child.walk()


@dataclass
class ConfigDocument:
    family: str  # "nginx", "apache", "haproxy", "postgresql-conf", "pg-hba", "mysql-cnf", ...
    root: Directive = field(default_factory=lambda: Directive(name="<root>"))
    # Parse problems that did not stop the parse: (line, message). The engine reports them.
    warnings: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def directives(self) -> list[Directive]:
        return self.root.children

    def walk(self) -> Iterator[Directive]:
        return self.root.walk()

    def find_all(self, name: str) -> list[Directive]:
        wanted = name.lower()
        return [d for d in self.walk() if d.key == wanted]
