"""DP301: Python code hashes with MD5, SHA-1 or another broken hash (clause 3.3.2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from detectors.crypto._denylist import (
    argument,
    cited,
    entry_for,
    match,
    mentions_password,
    section,
    severity,
    values,
    zh,
)
from detectors.crypto._flow import flow, where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

# hashlib.new(name, data) and hashlib.file_digest(fileobj, digest) name the algorithm in a string.
_BY_NAME = {"hashlib.new": [0, "name"], "hashlib.file_digest": [1, "digest"]}

# A SHA-1 object handed straight to these is not used for collision resistance: HMAC-SHA1 and
# HKDF-SHA1 rest on the PRF property, OAEP/MGF1 with SHA-1 are still sound (NIST SP 800-131A
# Rev. 2 table 8 allows SHA-1 for HMAC and KDFs). PBKDF2 with SHA-1 is DP302's (iteration count).
_NON_COLLISION_USES = ("cryptography.hazmat.primitives.hmac.HMAC",
                       "cryptography.hazmat.primitives.kdf.**",
                       "cryptography.hazmat.primitives.asymmetric.padding.*")


class WeakHash(Rule):
    """A broken hash function (MD5, SHA-1, MD4, MD2) is used where security may depend on it.

    ``hashlib.md5``/``sha1``, ``hashlib.new('md5')``, PyCryptodome ``Crypto.Hash.MD5``/``SHA1`` and
    cryptography ``hashes.MD5()``/``SHA1()``. Collisions are practical for all of them, so digests
    no longer prove that a file, message or record is unchanged, and as password hashes they fall
    to a GPU in hours. Calls that say ``usedforsecurity=False`` (Python 3.9+) are cache keys and
    checksums by their author's word and are not reported. When the hashed value or the place
    the digest is stored names a password, the finding is raised to high: clause 3.3.2 asks for
    strong protection of stored customer credentials.
    """

    id = "DP301"
    name = "weak-hash"
    clauses = ("3.3.2",)
    severity = Severity.HIGH  # per algorithm from weak_crypto.toml: MD5 high, SHA-1 medium
    confidence = Confidence.HIGH
    remediation = (
        "Use SHA-256 or SHA-3 for integrity and signatures (hashlib.sha256, hashes.SHA256()). "
        "Store passwords with argon2id, scrypt, bcrypt or PBKDF2-HMAC-SHA256 with >= 600,000 "
        "iterations. For a non-security checksum or cache key, say so: "
        "hashlib.md5(data, usedforsecurity=False)."
    )
    references = ("CWE-328", "CWE-327", "CWE-916", "Bandit B303", "Bandit B324",
                  "NIST SP 800-131A Rev. 2")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("md5", "MD5", "sha1", "SHA1", "md4", "MD4", "md2", "MD2", "SHA.new", "'sha'", '"sha"',
              "sha-1", "SHA-1")

    bad = (
        Example("import hashlib\ndigest = hashlib.md5(contract_pdf).hexdigest()\n", expect=1),
        Example("import hashlib\nh = hashlib.new('sha1', password.encode())\n", expect=1),
        Example("from Crypto.Hash import MD5\nMD5.new(b'payload')\n", expect=1),
    )
    good = (
        Example("import hashlib\nhashlib.md5(blob, usedforsecurity=False).hexdigest()\n"),
        Example("import hashlib\nhashlib.sha256(contract_pdf).hexdigest()\n"),
        Example("from cryptography.hazmat.primitives import hashes, hmac\n"
                "hmac.HMAC(key, hashes.SHA1())\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        weak = [entry for entry in section("hash") if entry["weak"]]
        excused = {id(value) for call in module.calls
                   if match(call.qualnames, _NON_COLLISION_USES) for value in values(call)}
        flows = flow(module)
        for call in module.calls:
            entry, name = entry_for(call.qualnames, weak)
            if entry is None:
                entry, name = _named(module, call, weak)
            if entry is None or id(call.node) in excused or _not_for_security(module, call):
                continue
            hashed = [module.code(value) for value in values(call, named=False)]
            password = mentions_password(*hashed, *flows.sinks(call))
            if password:
                yield self.finding(
                    ctx, **where(module, call), severity=Severity.HIGH, key=f"{name}:password",
                    message=f"{entry['name']} hashes a password ({password}) in {call.callee}(): "
                            f"{entry['why']} and any fast hash is brute-forced offline. Policy: "
                            f"passwords are stored with a slow, salted password hash. Fix: "
                            f"argon2id, scrypt, bcrypt or PBKDF2-HMAC-SHA256 (>= 600,000 "
                            f"iterations){cited(entry['references'])}",
                    message_zh=f"{call.callee}() 中使用 {zh(entry['name'])} 对口令（{password}）"
                               f"做哈希：{zh(entry['why'])}，且任何快速哈希都可被离线暴力破解。"
                               f"策略：口令须使用慢速、加盐的口令哈希存储。修复：使用 argon2id、"
                               f"scrypt、bcrypt 或 PBKDF2-HMAC-SHA256（>= 600,000 次迭代）"
                               f"{cited(entry['references'])}")
                continue
            yield self.finding(
                ctx, **where(module, call), severity=severity(entry), key=name,
                message=f"{call.callee}() uses {entry['name']}: {entry['why']}. Policy: no broken "
                        f"hash where integrity or authenticity depends on it. Fix: SHA-256 or "
                        f"SHA-3; for a checksum or cache key only, pass usedforsecurity=False"
                        f"{cited(entry['references'])}",
                message_zh=f"{call.callee}() 使用了 {zh(entry['name'])}：{zh(entry['why'])}。"
                           f"策略：凡依赖完整性或真实性之处，不得使用已被攻破的哈希算法。修复："
                           f"使用 SHA-256 或 SHA-3；若仅用于校验和或缓存键，请传入 "
                           f"usedforsecurity=False{cited(entry['references'])}")


def _named(module: PythonModule, call: CallSite,
           entries: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    for qualname, spec in _BY_NAME.items():
        if qualname in call.qualnames:
            value = module.literal(argument(call, spec))
            if isinstance(value, str):
                for entry in entries:
                    if value.lower() in entry["new_names"]:
                        return entry, f"{qualname}:{value.lower()}"
    return None, ""


def _not_for_security(module: PythonModule, call: CallSite) -> bool:
    return module.literal(call.keyword("usedforsecurity")) is False
