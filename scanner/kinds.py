"""Input-kind classification: which parser a file goes to.

The file name decides when it is unambiguous; otherwise the first few KiB of decoded text do.
Every name and marker lives in the tables below so that a new rule is a one-line change.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re

KINDS = frozenset({
    "python", "sql", "nginx", "apache", "haproxy", "postgresql-conf", "pg-hba", "mysql-cnf",
    "redis-conf", "dotenv", "yaml", "kubernetes", "json", "terraform", "properties", "toml",
    "ini", "xml", "dockerfile", "shell", "javascript", "typescript", "java", "go", "php", "ruby",
    "csharp", "markdown", "sqlite", "text",
})

# Whole file names (lower-cased), checked before anything else.
EXACT_NAMES: dict[str, str] = {
    "nginx.conf": "nginx",
    "httpd.conf": "apache",
    "apache2.conf": "apache",
    ".htaccess": "apache",
    "haproxy.cfg": "haproxy",
    "postgresql.conf": "postgresql-conf",
    "postgresql.auto.conf": "postgresql-conf",
    "pg_hba.conf": "pg-hba",
    "my.cnf": "mysql-cnf",
    ".my.cnf": "mysql-cnf",
    "mariadb.cnf": "mysql-cnf",
    "my.ini": "mysql-cnf",  # MySQL on Windows reads my.ini, same syntax as my.cnf
    "openssl.cnf": "ini",  # OpenSSL's config shares the .cnf suffix with MySQL but is not MySQL
    "redis.conf": "redis-conf",
    ".env": "dotenv",
    ".envrc": "shell",  # direnv: a bash script, despite the name
    # Spring Boot config: never a Kubernetes manifest, whatever a sniff of it might suggest.
    "application.yml": "yaml",
    "application.yaml": "yaml",
    "dockerfile": "dockerfile",
    "containerfile": "dockerfile",
    "gemfile": "ruby",
    "rakefile": "ruby",
    "vagrantfile": "ruby",
    "web.config": "xml",  # ASP.NET: XML holding connection strings
    "app.config": "xml",
    "pipfile": "toml",
}

# fnmatch patterns on the lower-cased file name, first match wins.
NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    (".env.*", "dotenv"),  # .env.local, .env.production, and .env.example (templates leak too)
    ("*.env", "dotenv"),
    ("dockerfile.*", "dockerfile"),
    ("*.dockerfile", "dockerfile"),
    ("redis*.conf", "redis-conf"),
    ("haproxy*.cfg", "haproxy"),
    ("*.nginx", "nginx"),
)

EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".sql": "sql",
    ".cnf": "mysql-cnf",
    ".json": "json",
    ".tf": "terraform", ".tfvars": "terraform", ".hcl": "terraform",
    ".properties": "properties",
    ".toml": "toml",
    ".xml": "xml", ".xsd": "xml", ".xsl": "xml", ".xslt": "xml", ".csproj": "xml",
    ".config": "xml",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ksh": "shell",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".java": "java",
    ".go": "go",
    ".php": "php", ".phtml": "php",
    ".rb": "ruby", ".rake": "ruby", ".gemspec": "ruby",
    ".cs": "csharp",
    ".md": "markdown", ".markdown": "markdown",
}

YAML_EXTENSIONS = frozenset({".yaml", ".yml"})

# Suffixes whose format is ambiguous; the content decides (see CONTENT_MARKERS).
# A .ini is ini even without [sections] unless its content names a server (my.ini, php.ini).
SNIFFED_EXTENSIONS = frozenset({".conf", ".cfg", ".ini", ".vhost", ""})

# A directory named after a server says what its config files are, unless their content names
# another server. The nearest such ancestor
# wins, and these win over the generic include directories below: apache2/sites-available/ is
# Apache, postgresql/14/main/conf.d/ is PostgreSQL.
SERVER_DIRS: dict[str, tuple[str, frozenset[str]]] = {
    "nginx": ("nginx", frozenset({".conf", ""})),  # nginx/sites-*/default has no suffix
    "apache2": ("apache", frozenset({".conf", ".load"})),  # not "": apache2/envvars is shell
    "apache": ("apache", frozenset({".conf", ".load"})),
    "httpd": ("apache", frozenset({".conf"})),
    "haproxy": ("haproxy", frozenset({".cfg"})),
    "postgresql": ("postgresql-conf", frozenset({".conf"})),
    "redis": ("redis-conf", frozenset({".conf"})),
}

# Include directories used by several servers; nginx is by far the most common owner, so it is
# the default when the content does not name another server.
NGINX_LEANING_DIRS: dict[str, frozenset[str]] = {
    "sites-available": frozenset({".conf", ""}),
    "sites-enabled": frozenset({".conf", ""}),
    "conf.d": frozenset({".conf"}),
}

_M = re.MULTILINE | re.IGNORECASE
_PG_HBA_METHODS = (
    "trust|reject|md5|password|scram-sha-256|gss|sspi|ident|peer|pam|ldap|radius|cert|bsd"
)

# Content markers, in order: the first kind whose every regex matches wins. The most specific
# syntaxes come first; nginx precedes haproxy because an nginx "server {" line would otherwise
# look like a haproxy server line.
CONTENT_MARKERS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("apache", (re.compile(r"^\s*(<VirtualHost\b|SSLEngine\s|SSLProtocol\s|SSLCipherSuite\s)", _M),)),
    ("nginx", (re.compile(r"^\s*server\s*\{", _M), re.compile(r"^\s*listen\s+\S", _M))),
    # An nginx snippet included from a server block: directives end in ";" with no "=".
    ("nginx", (re.compile(r"^\s*ssl_(protocols|ciphers|certificate)\s+[^=\s][^=\n]*;\s*$", _M),)),
    ("haproxy", (
        re.compile(r"^(frontend|backend|listen)\s+[\w.:-]+(\s+\S+)?\s*$", _M),
        re.compile(r"^\s+(bind|server)\s+\S", _M),
    )),
    ("mysql-cnf", (re.compile(r"^\s*\[(mysqld|mysqld_safe|mariadb|mariadbd|mysql|client|client-server)\]", _M),)),
    ("postgresql-conf", (re.compile(
        r"^\s*#?\s*(ssl_min_protocol_version|shared_preload_libraries|listen_addresses"
        r"|password_encryption|wal_level|hba_file)\s*=", _M),)),
    ("pg-hba", (re.compile(
        r"^\s*(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)\s+\S+\s+\S+(\s+\S+){0,2}"
        rf"\s+({_PG_HBA_METHODS})(\s|$)", _M),)),
    ("redis-conf", (re.compile(
        r"^\s*(protected-mode|requirepass|masterauth|appendonly|rename-command|tls-auth-clients)\s", _M),)),
)

_INI_SECTION = re.compile(r"^\s*\[[^\]\n]+\]\s*$", re.MULTILINE)
_K8S_API_VERSION = re.compile(r"^apiVersion:\s*\S", re.MULTILINE)
_K8S_KIND = re.compile(r"^kind:\s*\S", re.MULTILINE)

SHEBANG_INTERPRETERS: dict[str, str] = {
    "python": "python", "pypy": "python",
    "sh": "shell", "bash": "shell", "zsh": "shell", "dash": "shell", "ksh": "shell", "ash": "shell",
    "node": "javascript", "ruby": "ruby", "php": "php",
}


def classify(relpath: str, head: str) -> str:
    """The input kind of a text file from its path and the start of its decoded text."""
    name = posixpath.basename(relpath.replace("\\", "/")).lower()
    parents = [p.lower() for p in posixpath.dirname(relpath.replace("\\", "/")).split("/") if p]
    ext = posixpath.splitext(name)[1]
    return (
        _by_name(name)
        or _by_extension(ext, head)
        or (_by_shebang(head) if ext == "" else None)
        or _by_directory(parents, ext, head)
        or (_by_content(ext, head) if ext in SNIFFED_EXTENSIONS else None)
        or "text"
    )


def classify_binary(relpath: str, head_bytes: bytes) -> str | None:
    """The kind of a binary file dpscan can still read (SQLite databases), else None."""
    return "sqlite" if head_bytes.startswith(b"SQLite format 3\x00") else None


def _by_name(name: str) -> str | None:
    if name in EXACT_NAMES:
        return EXACT_NAMES[name]
    for pattern, kind in NAME_PATTERNS:
        if fnmatch.fnmatchcase(name, pattern):
            return kind
    return None


def _by_extension(ext: str, head: str) -> str | None:
    if ext in YAML_EXTENSIONS:
        return "kubernetes" if _is_kubernetes(head) else "yaml"
    if ext in SNIFFED_EXTENSIONS:
        return None
    return EXTENSIONS.get(ext)


def _is_kubernetes(head: str) -> bool:
    # Any document of a multi-document stream is enough: manifests often start with a comment
    # or a Namespace, and both keys sit at column 0 of their document.
    return bool(_K8S_API_VERSION.search(head) and _K8S_KIND.search(head))


def _by_shebang(head: str) -> str | None:
    first_line = head.split("\n", 1)[0].strip()
    if not first_line.startswith("#!"):
        return None
    words = first_line[2:].split()
    if words and posixpath.basename(words[0]) == "env":
        # "#!/usr/bin/env -S python3 -u", "#!/usr/bin/env LANG=C bash"
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    if not words:
        return None
    interpreter = re.sub(r"[\d.]+$", "", posixpath.basename(words[0]))
    return SHEBANG_INTERPRETERS.get(interpreter)


def _by_directory(parents: list[str], ext: str, head: str) -> str | None:
    for directory in reversed(parents):
        if directory in SERVER_DIRS:
            kind, extensions = SERVER_DIRS[directory]
            return (_by_markers(head) or kind) if ext in extensions else None
    for directory in reversed(parents):
        if ext in NGINX_LEANING_DIRS.get(directory, ()):
            return _by_markers(head) or "nginx"
    return None


def _by_content(ext: str, head: str) -> str | None:
    kind = _by_markers(head)
    if kind is not None:
        return kind
    if ext == ".ini" or (ext == ".cfg" and _INI_SECTION.search(head)):
        return "ini"
    return None


def _by_markers(head: str) -> str | None:
    for kind, patterns in CONTENT_MARKERS:
        if all(p.search(head) for p in patterns):
            return kind
    return None
