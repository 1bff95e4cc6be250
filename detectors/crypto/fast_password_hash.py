"""DP302: passwords stored with a fast hash, or with too few PBKDF2 iterations (clause 3.3.2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from detectors.crypto._denylist import (
    argument,
    cited,
    entry_for,
    mentions_password,
    section,
    values,
    zh,
)
from detectors.crypto._flow import flow, where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Option, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

_NAMED = {"hashlib.new": [0, "name"]}
_KDFS = "argon2id, scrypt, bcrypt or PBKDF2-HMAC-SHA256"
_KDFS_ZH = "argon2id、scrypt、bcrypt 或 PBKDF2-HMAC-SHA256"


class FastPasswordHash(Rule):
    """A password is hashed with a fast hash, or with PBKDF2 at too few iterations.

    SHA-256, SHA-512, SHA-3 and BLAKE2 are sound hashes but compute in nanoseconds, so a stolen
    table of ``sha256(salt + password)`` digests is brute-forced at billions of guesses a second.
    The rule reports a fast hash (constructor or ``.update()``) when the hashed value, or the
    variable, attribute, key or function its digest goes to, names a password (password,
    passwd, pwd, 密码, mima; not reset tokens or flags), and PBKDF2 (hashlib, cryptography,
    PyCryptodome) with a constant iteration count under the policy. MD5 and SHA-1 on passwords
    are reported by DP301. Clause 3.3.2 asks that stored credentials be strongly protected.
    """

    id = "DP302"
    name = "fast-password-hash"
    clauses = ("3.3.2",)
    severity = Severity.HIGH
    confidence = Confidence.MEDIUM  # the password is recognised by name
    remediation = (
        "Hash passwords with argon2id (argon2-cffi PasswordHasher), scrypt (hashlib.scrypt, "
        "n >= 2**17), bcrypt (cost >= 12) or PBKDF2-HMAC-SHA256 with >= 600,000 iterations and "
        "a random per-user salt; keep the parameters with the hash so they can be raised later."
    )
    references = ("CWE-916", "CWE-759", "OWASP Password Storage Cheat Sheet (2023)",
                  "NIST SP 800-63B 5.1.1.2")
    kinds = frozenset({"python"})
    model = "python"
    # Every fast hash and PBKDF2 it knows is imported from one of these.
    tokens = ("hashlib", "Crypto", "cryptography")
    options = {
        # OWASP Password Storage Cheat Sheet (2023) for PBKDF2-HMAC-SHA256; SHA-1 and SHA-512
        # floors scale with it (weak_crypto.toml [pbkdf2_factor]).
        "min_pbkdf2_iterations": Option(600_000, "minimum PBKDF2-HMAC-SHA256 iterations"),
    }

    bad = (
        Example("import hashlib\ndef hash_password(raw):\n"
                "    return hashlib.sha256(raw.encode()).hexdigest()\n", expect=1),
        Example("import hashlib\nkey = hashlib.pbkdf2_hmac('sha256', password, salt, 10000)\n",
                expect=1),
    )
    good = (
        Example("import hashlib\ndigest = hashlib.sha256(file_bytes).hexdigest()\n"),
        Example("import hashlib\nkey = hashlib.pbkdf2_hmac('sha256', password, salt, 600_000)\n"),
        Example("import hashlib\nh = hashlib.sha256(password_reset_token.encode()).digest()\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        fast = [entry for entry in section("hash") if not entry["weak"]]
        flows = flow(module)
        for call in module.calls:
            kdf, kdf_name = entry_for(call.qualnames, section("pbkdf2"), key="qualname")
            if kdf is not None:
                yield from self._pbkdf2(module, call, kdf, kdf_name, ctx)
                continue
            entry, hashed = _fast_hash(module, call, fast)
            if entry is None:
                continue
            password = mentions_password(*hashed, *flows.sinks(call))
            if password:
                yield self.finding(
                    ctx, **where(module, call), key=f"{entry['name']}:{call.callee}",
                    message=f"{call.callee}() stores a password ({password}) with {entry['name']}:"
                            f" {entry['why']}. Policy: passwords are stored with a slow, salted "
                            f"password hash. Fix: {_KDFS} (>= "
                            f"{self.settings['min_pbkdf2_iterations']:,} iterations)"
                            f"{cited(entry['references'])}",
                    message_zh=f"{call.callee}() 使用 {zh(entry['name'])} 存储口令（{password}）："
                               f"{zh(entry['why'])}。策略：口令须使用慢速、加盐的口令哈希存储。"
                               f"修复：使用 {_KDFS_ZH}（>= "
                               f"{self.settings['min_pbkdf2_iterations']:,} 次迭代）"
                               f"{cited(entry['references'])}")

    def _pbkdf2(self, module: PythonModule, call: CallSite, kdf: dict[str, Any], name: str,
                ctx: RuleContext) -> Iterator[Finding]:
        flows = flow(module)
        node = argument(call, kdf["iterations"])
        count = kdf.get("default_iterations") if node is None else flows.constant(
            node, flows.scope(call))
        if type(count) is not int:
            return  # computed or configured: nothing to judge
        prf = _prf(module, argument(call, kdf["prf"])) or kdf.get("default_prf", "sha256")
        factor = section("pbkdf2_factor").get(prf, 1.0)
        floor = round(self.settings["min_pbkdf2_iterations"] * factor, -4)
        if count >= floor:
            return
        given = "by default" if node is None else f"({module.code(node)})"
        given_zh = "（默认值）" if node is None else f"（{module.code(node)}）"
        yield self.finding(
            ctx, **where(module, call if node is None else node), key=f"{name}:iterations",
            severity=Severity.HIGH if count < floor / 10 else Severity.MEDIUM,
            confidence=Confidence.HIGH,
            message=f"{call.callee}() runs PBKDF2-HMAC-{prf.upper()} with {count:,} iterations "
                    f"{given}. Policy: PBKDF2-HMAC-{prf.upper()} >= {floor:,.0f} iterations "
                    f"(OWASP 2023; option min_pbkdf2_iterations). Fix: raise the count, or move "
                    f"to argon2id or scrypt (CWE-916)",
            message_zh=f"{call.callee}() 运行 PBKDF2-HMAC-{prf.upper()} 仅 {count:,} 次迭代"
                       f"{given_zh}。策略：PBKDF2-HMAC-{prf.upper()} 须 >= {floor:,.0f} 次迭代"
                       f"（OWASP 2023；选项 min_pbkdf2_iterations）。修复：提高迭代次数，或改用 "
                       f"argon2id 或 scrypt（CWE-916）")


def _fast_hash(module: PythonModule, call: CallSite,
               entries: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, list[str]]:
    """The fast-hash entry a call uses and the code of what it hashes. ``h.update(x)`` on a
    hash object counts as hashing x; the constructor itself hashes its positional arguments."""
    owners = {q.rpartition(".")[0] for q in call.qualnames if q.endswith(".update")}
    update = call.callee.endswith(".update")
    entry, _ = entry_for(owners if update else call.qualnames, entries)
    if entry is None and not update:
        for qualname, spec in _NAMED.items():
            value = module.literal(argument(call, spec)) if qualname in call.qualnames else None
            entry = next((e for e in entries if isinstance(value, str)
                          and value.lower() in e["new_names"]), None)
    if entry is None:
        return None, []
    args = values(call, named=False)
    if not update and "hashlib.new" in call.qualnames:
        args = args[1:]
    if not args or any(q.endswith("hashes.Hash") for q in call.qualnames):
        return None, []  # no data yet (hashes.Hash takes the algorithm): update() is checked
    return entry, [module.code(a) for a in args]


def _prf(module: PythonModule, node) -> str:
    """"sha1", "sha256", ... from 'sha256', hashes.SHA256() or SHA256 (a module), else ""."""
    value = module.literal(node)
    text = value if isinstance(value, str) else (module.code(node) if node is not None else "")
    text = text.rsplit(".", 1)[-1].split("(")[0].lower().replace("-", "")
    return text if text.startswith("sha") else ""
