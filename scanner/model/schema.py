"""The dialect-neutral schema model that SQL dumps, ORM models and live databases all fill.

Parsers fill the structural part (tables, columns, types, comments, constraints, samples, the
protection *hints* they can see, grants, roles, settings). Enrichment (scanner.enrich.pii) fills
``Column.pii`` and ``Column.protection``. Detectors only read.

Names are kept as written (case preserved, quotes removed). ``qualified_name`` is
``schema.table.column`` when a schema (or MySQL database) is known, else ``table.column``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from scanner.finding import Confidence, Location


class Sensitivity(str, Enum):
    """GB/T 35273: sensitive personal information, or (ordinary) personal information."""

    SENSITIVE = "sensitive"
    PERSONAL = "personal"


class Protection(str, Enum):
    ENCRYPTED = "encrypted"
    HASHED = "hashed"  # a password KDF or a salted/keyed hash
    WEAK_HASH = "weak_hash"  # MD5/SHA-1 hex, unsalted fast hashes
    MASKED = "masked"  # stored already masked or tokenised
    NONE = "none"  # readable plaintext
    UNKNOWN = "unknown"  # nothing tells either way (for example an opaque binary type, no samples)


@dataclass
class PiiTag:
    """Why a column is personal information, and of what kind."""

    category: str  # an id from the lexicon's categories: "national_id", "phone", "person_name", ...
    label: str  # human words for the category: "national ID number"
    sensitivity: Sensitivity
    source: str  # what decided it: "values" | "comment" | "name"
    evidence: str  # "comment '身份证号码'", "name token 'sfzh'", "38/40 samples valid CN resident IDs"
    confidence: Confidence
    sample: str = ""  # one masked sample value (scanner.mask.mask_value), "" when none was seen

    @property
    def from_values(self) -> bool:
        return self.source == "values"


@dataclass
class Column:
    name: str
    data_type: str = ""  # as declared, lower-cased, e.g. "varchar(18)", "bytea", "EncryptedType"
    comment: str = ""  # SQL comment, ORM verbose_name/help_text/doc, joined by " / "
    default: str | None = None
    nullable: bool | None = None
    primary_key: bool = False
    location: Location = field(default_factory=Location)
    # Facts a parser saw that speak about protection, without judging: "orm:EncryptedType",
    # "default:pgp_sym_encrypt", "trigger:AES_ENCRYPT", "framework:django-password".
    protection_hints: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)  # raw values; never leave memory unmasked
    # Set by enrichment:
    pii: PiiTag | None = None
    protection: Protection = Protection.UNKNOWN
    protection_evidence: str = ""


@dataclass
class Table:
    name: str
    schema: str | None = None
    comment: str = ""
    kind: str = "table"  # "table" | "view" | "model" (an ORM class)
    columns: dict[str, Column] = field(default_factory=dict)  # ordered as declared
    location: Location = field(default_factory=Location)
    row_level_security: bool = False
    definition: str = ""  # for views: the SELECT, as written (bounded)

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def column_name(self, column: Column) -> str:
        return f"{self.qualified_name}.{column.name}"

    def add_column(self, column: Column) -> Column:
        self.columns[column.name.lower()] = column
        return column

    def get_column(self, name: str) -> Column | None:
        return self.columns.get(name.lower())


@dataclass
class Role:
    name: str
    attributes: set[str] = field(default_factory=set)  # "SUPERUSER", "LOGIN", "BYPASSRLS", ...
    host: str | None = None  # MySQL user@host
    location: Location = field(default_factory=Location)


@dataclass
class Grant:
    privileges: tuple[str, ...]  # ("SELECT",), ("ALL",)
    object_type: str  # "table" | "schema" | "database" | "function" | "global" | "role"
    object_name: str  # "public.customer", "*.*", "app_role"
    grantee: str  # "PUBLIC", "app_rw", "'shop'@'%'"
    with_grant_option: bool = False
    revoked: bool = False
    location: Location = field(default_factory=Location)


@dataclass
class Setting:
    name: str
    value: str
    location: Location = field(default_factory=Location)


@dataclass
class SchemaModel:
    dialect: str = ""  # sqlglot dialect name: "postgres", "mysql", "sqlite", "tsql", "oracle"
    source: str = ""  # "sql" | "orm" | "live"
    tables: dict[str, Table] = field(default_factory=dict)  # key: lower-cased qualified name
    roles: dict[str, Role] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    settings: dict[str, Setting] = field(default_factory=dict)
    extensions: set[str] = field(default_factory=set)  # "pgcrypto", "pgaudit"
    # Statements that mention column-level crypto (views, triggers, functions), kept as hints
    # for enrichment: (qualified table name or "", function name, location).
    crypto_mentions: list[tuple[str, str, Location]] = field(default_factory=list)
    # Parse problems that did not stop the parse: (line, message). The engine reports them.
    warnings: list[tuple[int | None, str]] = field(default_factory=list)

    def add_table(self, table: Table) -> Table:
        self.tables[table.qualified_name.lower()] = table
        return table

    def find_table(self, name: str, schema: str | None = None) -> Table | None:
        key = f"{schema}.{name}" if schema else name
        table = self.tables.get(key.lower())
        if table is None and schema is None:
            # An unqualified reference (COMMENT ON, ALTER TABLE) to a table declared with a schema.
            matches = [t for t in self.tables.values() if t.name.lower() == name.lower()]
            table = matches[0] if len(matches) == 1 else None
        return table

    def columns(self) -> Iterator[tuple[Table, Column]]:
        for table in self.tables.values():
            for column in table.columns.values():
                yield table, column

    def merge(self, other: SchemaModel) -> None:
        """Fold another model of the same input into this one (used by multi-part sources)."""
        for table in other.tables.values():
            self.add_table(table)
        self.roles.update(other.roles)
        self.grants.extend(other.grants)
        self.settings.update(other.settings)
        self.extensions |= other.extensions
        self.crypto_mentions.extend(other.crypto_mentions)
        self.warnings.extend(other.warnings)
