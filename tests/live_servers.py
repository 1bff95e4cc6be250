"""Throwaway database servers for the live-database tests: started in a temporary directory,
stopped and removed by the ``stop`` function each helper returns."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# ---- MariaDB ------------------------------------------------------------------------------------

def start_mariadb(tmp_path: Path, cnf_lines: list[str], timeout: float = 60.0) -> tuple[int, Callable[[], None]]:
    """A fresh MariaDB server on 127.0.0.1:<free port>, root with an empty password.

    ``cnf_lines`` are server options as my.cnf writes them (``skip-log-bin``,
    ``general_log = OFF``); each becomes a ``--option`` argument. Returns (port, stop).
    Running as root, the data directory lives in a fresh /tmp directory owned by ``mysql``
    (pytest's tmp_path is not reachable for that user)."""
    install, server = shutil.which("mariadb-install-db"), shutil.which("mariadbd") or "/usr/sbin/mariadbd"
    if install is None or not os.path.exists(server):
        raise RuntimeError("mariadb-install-db / mariadbd are not installed")
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="dpscan-mariadb-")) if as_root else Path(tmp_path) / "mariadb"
    base.mkdir(parents=True, exist_ok=True)
    data = base / "data"
    user = ["--user=mysql"] if as_root else []
    if as_root:
        shutil.chown(base, "mysql", "mysql")
    subprocess.run([install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
                    "--skip-test-db", *user], check=True, capture_output=True, timeout=timeout)
    port = free_port()
    options = ["--" + "=".join(part.strip() for part in line.split("=", 1)) for line in cnf_lines]
    log = (base / "server.log").open("wb")  # open for the server's lifetime
    proc = subprocess.Popen([server, "--no-defaults", f"--datadir={data}", f"--socket={base / 'sock'}",
                             f"--port={port}", "--bind-address=127.0.0.1", f"--pid-file={base / 'pid'}",
                             *user, *options], stdout=log, stderr=subprocess.STDOUT)

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        shutil.rmtree(base, ignore_errors=True)

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            stop()
            raise RuntimeError(f"mariadbd exited with {proc.returncode}")
        if port_open("127.0.0.1", port, 0.5):
            return port, stop
        time.sleep(0.2)
    stop()
    raise RuntimeError(f"mariadbd did not accept connections within {timeout:.0f} s")


# ---- PostgreSQL ---------------------------------------------------------------------------------

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def start_postgres(tmp_path: Path, conf_lines: list[str], hba_lines: list[str],
                   timeout: float = 60.0) -> tuple[int, Callable[[], None]]:
    """A fresh PostgreSQL cluster (initdb -A trust -U postgres) on 127.0.0.1:<free port>.

    ``conf_lines`` are appended to postgresql.conf; ``hba_lines``, when given, replace
    pg_hba.conf (a ``local all all trust`` line is kept first so pg_ctl can check the server).
    Running as root, initdb and pg_ctl run as the ``postgres`` OS user in a fresh /tmp directory
    it owns. Returns (port, stop); stop() shuts the server down and removes the directory."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"initdb not found under {PG_BIN}")
    as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="dpscan-pg-")) if as_root else Path(tmp_path) / "pg"
    base.mkdir(parents=True, exist_ok=True)
    data = base / "data"
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(base, "postgres", "postgres")

    def run(*args: str) -> None:
        subprocess.run([*run_as, *args], check=True, capture_output=True, timeout=timeout)

    run(str(PG_BIN / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(data))
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write("\n" + "\n".join(conf_lines) + "\n")
    if hba_lines:
        (data / "pg_hba.conf").write_text("local all all trust\n" + "\n".join(hba_lines) + "\n",
                                          encoding="utf-8")
    port = free_port()
    options = f"-k {base} -p {port} -c listen_addresses=127.0.0.1"

    def stop() -> None:
        subprocess.run([*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                        "stop"], capture_output=True, timeout=timeout)
        shutil.rmtree(base, ignore_errors=True)

    try:
        run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w",
            "-t", str(int(timeout)), "-o", options, "start")
    except subprocess.CalledProcessError as exc:
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
        stop()
        raise RuntimeError(f"pg_ctl start failed: {exc.stderr!r} {log[-2000:]}") from None
    return port, stop
