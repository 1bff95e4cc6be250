"""Input-kind classification from names and, where names are ambiguous, from content."""

from __future__ import annotations

import pytest

from scanner import kinds
from scanner.kinds import KINDS, classify, classify_binary

NGINX_SERVER = "server {\n    listen 443 ssl;\n    ssl_protocols TLSv1.2;\n}\n"
NGINX_SNIPPET = "ssl_protocols TLSv1 TLSv1.1;\nssl_ciphers HIGH:!aNULL;\n"
APACHE_VHOST = "<VirtualHost *:443>\n  SSLEngine on\n</VirtualHost>\n"
APACHE_SSL_ONLY = "SSLProtocol all -SSLv3\n"
HAPROXY = "global\n  maxconn 100\nfrontend www\n  bind *:443 ssl crt /x.pem\n  default_backend app\n"
HAPROXY_LISTEN = "listen stats\n    bind :8404\n    stats enable\n"
PG_HBA = "# TYPE DATABASE USER ADDRESS METHOD\nlocal all postgres peer\nhostssl all all 0.0.0.0/0 scram-sha-256\n"
PG_HBA_HOST = "host    all    all    10.0.0.0/8    md5\n"
MYSQL = "[mysqld]\nrequire_secure_transport = ON\n"
MARIADB = "[mariadb]\nssl_cert = /etc/x.pem\n"
MYSQL_CLIENT = "[client]\nssl-mode = REQUIRED\n"
POSTGRES = "listen_addresses = '*'\nssl = on\n"
POSTGRES_COMMENTED = "#ssl_min_protocol_version = 'TLSv1.2'\n"
REDIS = "bind 0.0.0.0\nprotected-mode no\nrequirepass secret\n"
INI = "[database]\nhost = db\n"
K8S = "---\n# app\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
K8S_SECOND_DOC = "foo: 1\n---\napiVersion: v1\nkind: Secret\n"
COMPOSE = "services:\n  db:\n    image: postgres\n    environment:\n      kind: x\n"


CLASSIFY_CASES = [
    # by extension
    ("app/models.py", "", "python"),
    ("stubs/models.pyi", "", "python"),
    ("db/schema.sql", "", "sql"),
    ("config.json", "", "json"),
    ("infra/main.tf", "", "terraform"),
    ("infra/prod.tfvars", "", "terraform"),
    ("infra/terragrunt.hcl", "", "terraform"),
    ("src/main/resources/application.properties", "", "properties"),
    ("pyproject.toml", "", "toml"),
    ("pom.xml", "", "xml"),
    ("deploy.sh", "", "shell"),
    ("web/app.js", "", "javascript"),
    ("web/app.mjs", "", "javascript"),
    ("web/app.ts", "", "typescript"),
    ("web/App.tsx", "", "typescript"),
    ("src/Main.java", "", "java"),
    ("cmd/main.go", "", "go"),
    ("public/index.php", "", "php"),
    ("app/models/user.rb", "", "ruby"),
    ("Gemfile", "", "ruby"),
    ("Service/User.cs", "", "csharp"),
    ("README.md", "", "markdown"),
    ("notes.txt", "", "text"),
    ("LICENSE", "", "text"),
    # nginx
    ("nginx.conf", "", "nginx"),
    ("etc/nginx/nginx.conf", "", "nginx"),
    ("deploy/nginx/api.conf", "", "nginx"),
    ("etc/nginx/sites-available/default", "", "nginx"),
    ("sites-enabled/api.conf", "", "nginx"),
    ("conf.d/ssl.conf", NGINX_SNIPPET, "nginx"),
    ("conf.d/empty.conf", "", "nginx"),
    ("api.nginx", "", "nginx"),
    ("services/redis/nginx/proxy.conf", "", "nginx"),  # the nearest server directory wins
    ("site.conf", NGINX_SERVER, "nginx"),
    ("snippets.conf", NGINX_SNIPPET, "nginx"),
    ("conf.d/vhost.conf", APACHE_VHOST, "apache"),  # content overrides the nginx-leaning dir
    # apache
    ("httpd.conf", "", "apache"),
    ("apache2.conf", "", "apache"),
    ("public/.htaccess", "", "apache"),
    ("etc/apache2/sites-available/default-ssl.conf", "", "apache"),
    ("etc/httpd/conf.d/ssl.conf", "", "apache"),
    ("etc/apache2/envvars", "export APACHE_RUN_USER=www-data\n", "text"),
    ("vhost.conf", APACHE_VHOST, "apache"),
    ("ssl.conf", APACHE_SSL_ONLY, "apache"),
    # haproxy
    ("haproxy.cfg", "", "haproxy"),
    ("haproxy-prod.cfg", "", "haproxy"),
    ("lb.cfg", HAPROXY, "haproxy"),
    ("lb.conf", HAPROXY_LISTEN, "haproxy"),
    # postgresql
    ("postgresql.conf", "", "postgresql-conf"),
    ("data/postgresql.auto.conf", "", "postgresql-conf"),
    ("etc/postgresql/16/main/conf.d/tls.conf", "", "postgresql-conf"),
    ("db.conf", POSTGRES, "postgresql-conf"),
    ("tls.conf", POSTGRES_COMMENTED, "postgresql-conf"),
    ("pg_hba.conf", "", "pg-hba"),
    ("access.conf", PG_HBA, "pg-hba"),
    ("hba-rules", PG_HBA_HOST, "pg-hba"),
    # mysql
    ("my.cnf", "", "mysql-cnf"),
    ("etc/mysql/mariadb.cnf", "", "mysql-cnf"),
    ("etc/mysql/conf.d/tls.cnf", "", "mysql-cnf"),
    ("my.ini", "", "mysql-cnf"),
    ("server.ini", MYSQL, "mysql-cnf"),
    ("db.cfg", MARIADB, "mysql-cnf"),
    ("client.conf", MYSQL_CLIENT, "mysql-cnf"),
    ("openssl.cnf", "[req]\ndefault_bits = 2048\n", "ini"),
    # redis
    ("redis.conf", "", "redis-conf"),
    ("redis-6380.conf", "", "redis-conf"),
    ("cache.conf", REDIS, "redis-conf"),
    # dotenv
    (".env", "", "dotenv"),
    ("backend/.env.local", "", "dotenv"),
    (".env.example", "", "dotenv"),
    ("prod.env", "", "dotenv"),
    (".envrc", "", "shell"),
    # yaml / kubernetes
    ("docker-compose.yml", COMPOSE, "yaml"),
    ("config.yaml", "", "yaml"),
    ("k8s/deploy.yaml", K8S, "kubernetes"),
    ("k8s/secret.yml", K8S_SECOND_DOC, "kubernetes"),
    ("src/main/resources/application.yml", K8S, "yaml"),
    # ini and generic config
    ("setup.cfg", INI, "ini"),
    ("tool.cfg", "just = text\n", "text"),
    ("php.ini", "", "ini"),
    ("service.conf", INI, "text"),
    ("app.conf", "some free text\n", "text"),
    # dockerfile
    ("Dockerfile", "", "dockerfile"),
    ("docker/Dockerfile.prod", "", "dockerfile"),
    ("api.dockerfile", "", "dockerfile"),
    ("Containerfile", "", "dockerfile"),
    ("deploy/nginx/Dockerfile", "", "dockerfile"),
    # shebang on extensionless files
    ("bin/manage", "#!/usr/bin/env python3\nimport sys\n", "python"),
    ("bin/tool", "#!/usr/bin/python3.11 -u\n", "python"),
    ("bin/run", "#!/bin/bash\nset -e\n", "shell"),
    ("bin/run-env", "#!/usr/bin/env -S bash -e\n", "shell"),
    ("bin/sh-script", "#!/bin/sh\n", "shell"),
    ("deploy/nginx/entrypoint", "#!/bin/sh\nnginx -g 'daemon off;'\n", "shell"),
    ("bin/unknown", "#!/usr/bin/awk -f\n", "text"),
    ("script.txt", "#!/bin/bash\n", "text"),  # a shebang does not override an extension
]


@pytest.mark.parametrize(("relpath", "head", "expected"), CLASSIFY_CASES)
def test_classify(relpath: str, head: str, expected: str) -> None:
    assert classify(relpath, head) == expected


def test_classify_is_case_insensitive_on_names() -> None:
    assert classify("DOCKERFILE", "") == "dockerfile"
    assert classify("Models.PY", "") == "python"


def test_classify_accepts_windows_separators() -> None:
    assert classify("etc\\nginx\\sites-enabled\\default", "") == "nginx"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"SQLite format 3\x00\x10\x00\x01\x01", "sqlite"),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"SQLite format 2", None),
        (b"", None),
    ],
)
def test_classify_binary(head: bytes, expected: str | None) -> None:
    assert classify_binary("data/app.db", head) == expected


def test_every_kind_in_the_tables_is_a_known_kind() -> None:
    named = {
        *kinds.EXACT_NAMES.values(),
        *(kind for _, kind in kinds.NAME_PATTERNS),
        *kinds.EXTENSIONS.values(),
        *kinds.SHEBANG_INTERPRETERS.values(),
        *(kind for kind, _ in kinds.SERVER_DIRS.values()),
        *(kind for kind, _ in kinds.CONTENT_MARKERS),
    }
    assert named <= KINDS


def test_the_table_covers_every_kind() -> None:
    # test_classify checks each row; this makes sure no kind is left without a row.
    assert {expected for _, _, expected in CLASSIFY_CASES} | {"sqlite"} == KINDS
