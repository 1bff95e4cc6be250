"""The catalog queries of the PostgreSQL front end: plain SELECTs on pg_catalog, set-based (one
query per kind of fact, never one per table). Nothing here writes or takes a lock that blocks writers."""

from __future__ import annotations

# Schemas never scanned: the system's own.
_USER_SCHEMA = ("n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'")

# Tables, partitioned tables, views, materialized views and foreign tables (partitions are
# scanned through their parent).
TABLES = f"""
SELECT c.oid, n.nspname, c.relname, c.relkind, c.relrowsecurity, c.reltuples::bigint, c.relpages,
       coalesce(obj_description(c.oid, 'pg_class'), ''),
       CASE WHEN c.relkind IN ('v', 'm') THEN left(pg_get_viewdef(c.oid), 4000) ELSE '' END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND {_USER_SCHEMA}
ORDER BY n.nspname, c.relname
"""

COLUMNS = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), coalesce(col_description(a.attrelid, a.attnum), ''),
       EXISTS (SELECT 1 FROM pg_index i
               WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
       t.typcategory
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY (%s::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

EXTENSIONS = "SELECT extname FROM pg_extension ORDER BY extname"

# Built-in pg_* roles are left out as roles, but kept as the object of a membership.
ROLES = """
SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication,
       rolcanlogin, rolinherit, rolvaliduntil::text
FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY rolname
"""

# The password's form, computed on the server: the verifier itself never reaches the scanner.
# pg_authid is readable by superusers only; anyone else gets "permission denied" and the form is
# left unknown.
PASSWORD_FORMS = """
SELECT rolname,
       CASE WHEN rolpassword IS NULL THEN NULL
            WHEN rolpassword = '' THEN 'PASSWORD_EMPTY'
            WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'PASSWORD_SCRAM'
            WHEN rolpassword ~ '^md5[0-9a-f]{32}$' THEN 'PASSWORD_MD5'
            ELSE 'PASSWORD_HASH' END
FROM pg_authid WHERE rolname !~ '^pg_'
"""

MEMBERSHIPS = """
SELECT r.rolname, m.rolname, am.admin_option
FROM pg_auth_members am
JOIN pg_roles r ON r.oid = am.roleid
JOIN pg_roles m ON m.oid = am.member
ORDER BY 1, 2
"""

# Explicit table privileges (grantee 0 is PUBLIC). The owner's own privileges are left out, as
# pg_dump leaves them out.
TABLE_PRIVILEGES = f"""
SELECT c.oid, coalesce(g.rolname, 'PUBLIC'), a.privilege_type, a.is_grantable
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(c.relacl) a
LEFT JOIN pg_roles g ON g.oid = a.grantee
WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {_USER_SCHEMA}
  AND a.grantee <> c.relowner
ORDER BY 1, 2, 3
"""

SCHEMA_PRIVILEGES = f"""
SELECT n.nspname, coalesce(g.rolname, 'PUBLIC'), a.privilege_type, a.is_grantable
FROM pg_namespace n
CROSS JOIN LATERAL aclexplode(n.nspacl) a
LEFT JOIN pg_roles g ON g.oid = a.grantee
WHERE n.nspacl IS NOT NULL AND {_USER_SCHEMA} AND a.grantee <> n.nspowner
ORDER BY 1, 2, 3
"""

DEFAULT_PRIVILEGES = """
SELECT coalesce(n.nspname, ''), d.defaclobjtype, coalesce(g.rolname, 'PUBLIC'),
       a.privilege_type, a.is_grantable
FROM pg_default_acl d
LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
CROSS JOIN LATERAL aclexplode(d.defaclacl) a
LEFT JOIN pg_roles g ON g.oid = a.grantee
WHERE a.grantee <> d.defaclrole
ORDER BY 1, 2, 3, 4
"""

SETTING_NAMES = ("listen_addresses", "port", "ssl", "ssl_min_protocol_version",
                 "ssl_max_protocol_version", "ssl_ciphers", "password_encryption",
                 "log_statement", "log_connections", "log_disconnections",
                 "shared_preload_libraries", "archive_mode", "archive_command", "wal_level")

SETTINGS = """
SELECT name, setting FROM pg_settings
WHERE name = ANY (%s) OR name LIKE 'pgaudit.%%'
ORDER BY name
"""

HBA_RULES = """
SELECT line_number, type, database, user_name, address, netmask, auth_method, options, error
FROM pg_hba_file_rules ORDER BY line_number
"""

CONNECTION_SSL = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
