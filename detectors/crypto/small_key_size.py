"""DP308: RSA/DSA/DH keys, elliptic curves or AES keys smaller than the key-size policy (clauses
3.3.2 and 3.3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import argument, entry_for, match, section
from detectors.crypto._flow import flow, where
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Option, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule

_EVP_AES = re.compile(r"aes_(\d+)_", re.IGNORECASE)  # M2Crypto names: aes_128_cbc, aes_256_gcm
_FIX = {"asymmetric": "RSA-3072 or EC P-256/Ed25519 keys", "ec": "P-256, P-384 or X25519/Ed25519",
        "aes": "32-byte (AES-256) keys from os.urandom(32) or AESGCM.generate_key(bit_length=256)"}
_FIX_ZH = {"asymmetric": "使用 RSA-3072 或 EC P-256/Ed25519 密钥",
           "ec": "使用 P-256、P-384 或 X25519/Ed25519",
           "aes": "使用由 os.urandom(32) 或 AESGCM.generate_key(bit_length=256) 生成的 32 字节"
                  "（AES-256）密钥"}


class SmallKeySize(Rule):
    """A key is smaller than the key-size policy allows.

    RSA, DSA and DH keys generated with fewer than ``min_rsa_bits`` (2048) bits
    (cryptography ``rsa``/``dsa``/``dh``, PyCryptodome ``RSA``/``DSA.generate``, M2Crypto,
    python-rsa, paramiko, pyOpenSSL), elliptic curves under ``min_ec_bits`` (224: SECP192R1,
    SECT163K1, ``ECC.generate(curve='P-192')``, ecdsa's NIST192p), and AES keys under
    ``min_aes_key_bits`` judged from literal lengths: ``os.urandom(8)``/``get_random_bytes(8)``
    given as the key, ``AESGCM.generate_key(bit_length=128)`` when the policy asks for 256,
    M2Crypto ``aes_128_*``. NIST SP 800-131A Rev. 2 disallows RSA/DSA/DH under 2048 bits and
    curves under 224 bits; clause 3.3.2 gives AES-256 as its example of strong storage
    encryption, which an organisation can make policy by raising ``min_aes_key_bits``. Every
    message names the policy value it applied.
    """

    id = "DP308"
    name = "small-key-size"
    clauses = ("3.3.2", "3.3.3")
    severity = Severity.MEDIUM  # high when far below any modern floor (RSA < 1024, AES < 128)
    confidence = Confidence.HIGH
    remediation = (
        "Generate RSA keys of 3072 bits (2048 at the least), use P-256/P-384 or Ed25519/X25519 "
        "for elliptic curves, and AES-256 keys (32 random bytes) for core sensitive data."
    )
    references = ("CWE-326", "Bandit B505", "NIST SP 800-131A Rev. 2", "NIST SP 800-57 Part 1")
    kinds = frozenset({"python"})
    model = "python"
    # The libraries that generate keys or take AES keys (python-rsa by its import line).
    tokens = ("Crypto", "cryptography", "import rsa", "from rsa", "paramiko", "OpenSSL", "ecdsa",
              "pyaes")
    options = {
        "min_rsa_bits": Option(2048, "minimum RSA, DSA and DH modulus size in bits"),
        "min_ec_bits": Option(224, "minimum elliptic-curve size in bits"),
        "min_aes_key_bits": Option(128, "minimum AES key size in bits (256 to follow clause "
                                        "3.3.2's AES-256 example)", choices=(128, 192, 256)),
    }

    bad = (
        Example("from cryptography.hazmat.primitives.asymmetric import rsa\n"
                "key = rsa.generate_private_key(public_exponent=65537, key_size=1024)\n",
                expect=1),
        Example("from cryptography.hazmat.primitives.asymmetric import ec\n"
                "key = ec.generate_private_key(ec.SECP192R1())\n", expect=1),
        Example("import os\nfrom Crypto.Cipher import AES\n"
                "cipher = AES.new(os.urandom(8), AES.MODE_GCM)\n", expect=1),
    )
    good = (
        Example("from Crypto.PublicKey import RSA\nkey = RSA.generate(3072)\n"),
        Example("from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
                "key = AESGCM.generate_key(bit_length=256)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        rsa_floor, ec_floor = self.settings["min_rsa_bits"], self.settings["min_ec_bits"]
        flows = flow(module)
        for call in module.calls:
            scope = flows.scope(call)
            generator, name = entry_for(call.qualnames, section("key_generator"))
            if generator is not None:
                node = argument(call, generator["arg"])
                bits = flows.constant(node, scope)
                if type(bits) is int and bits < rsa_floor:
                    yield self._small(ctx, module, node, f"{generator['family']} key", bits,
                                      rsa_floor, "asymmetric", call, high=bits < 1024)
            yield from self._aes(module, call, ctx)
            curve_arg, _ = entry_for(call.qualnames, section("curve_arg"), key="qualname")
            curve = module.literal(argument(call, curve_arg["arg"])) if curve_arg else None
            for entry in section("curve") if isinstance(curve, str) else ():
                if curve.lower() in entry["names"] and entry["bits"] < ec_floor:
                    yield self._small(ctx, module, argument(call, curve_arg["arg"]),
                                      f"curve {curve}", entry["bits"], ec_floor, "ec", call,
                                      high=entry["bits"] < 160)
        seen = set(flows.type_tests())  # isinstance(key.curve, ec.SECP192R1) uses no curve
        for ref in module.refs:
            entry, name = entry_for([ref.qualname], section("curve"))
            if entry is None or ref.compared or id(ref.node) in seen or entry["bits"] >= ec_floor:
                continue
            seen.add(id(ref.node))
            yield self._small(ctx, module, ref, f"curve {name.rsplit('.', 1)[-1]}", entry["bits"],
                              ec_floor, "ec", None, high=entry["bits"] < 160)

    def _aes(self, module: PythonModule, call: CallSite, ctx: RuleContext) -> Iterator[Finding]:
        floor, flows = self.settings["min_aes_key_bits"], flow(module)
        bits, node = None, None
        source, _ = entry_for(call.qualnames, section("random_source"))
        if source is not None and source.get("generates_aes"):
            node = argument(call, source["arg"])
            bits = flows.constant(node, flows.scope(call))
        elif match(call.qualnames, section("aes")["key_qualnames"]):
            node = argument(call, [0, "key"])
            bits = _random_key_bits(module, flows, node, flows.scope(call))
        elif "M2Crypto.EVP.Cipher" in call.qualnames:
            node = argument(call, [0, "alg"])
            alg = _EVP_AES.match(str(module.literal(node)))
            bits = int(alg.group(1)) if alg else None
        if type(bits) is int and bits < floor:
            yield self._small(ctx, module, node, "AES key", bits, floor, "aes", call,
                              high=bits < 128)

    def _small(self, ctx: RuleContext, module: PythonModule, at, what: str, bits: int,
               floor: int, family: str, call: CallSite | None, *, high: bool) -> Finding:
        label = {"asymmetric": "RSA/DSA/DH", "ec": "EC", "aes": "AES"}[family]
        option = {"asymmetric": "min_rsa_bits", "ec": "min_ec_bits", "aes": "min_aes_key_bits"}
        made_by = ("" if call is None else f" given to {call.callee}()" if family == "aes"
                   and not call.callee.endswith("generate_key") else f" from {call.callee}()")
        made_by_zh = ("" if call is None else f"（传给 {call.callee}()）" if family == "aes"
                      and not call.callee.endswith("generate_key")
                      else f"（由 {call.callee}() 生成）")
        what_zh = (what.replace(" key", " 密钥") if what.endswith(" key")
                   else what.replace("curve ", "曲线 ", 1))
        return self.finding(
            ctx, **where(module, at), severity=Severity.HIGH if high else None,
            key=f"{family}:{what}:{bits}",
            message=f"{what}{made_by} has {bits} bits. Policy: {label} >= {floor} bits "
                    f"(option {option[family]}; NIST SP 800-131A Rev. 2). Fix: {_FIX[family]} "
                    f"(CWE-326)",
            message_zh=f"{what_zh}{made_by_zh or ' '}只有 {bits} 位。策略：{label} >= {floor} 位"
                       f"（选项 {option[family]}；NIST SP 800-131A Rev. 2）。修复："
                       f"{_FIX_ZH[family]}（CWE-326）")


def _random_key_bits(module: PythonModule, flows, node, scope: int) -> int | None:
    """8 x N when the key is ``os.urandom(N)``-like, directly or through a local name."""
    origin = flows.origin(node, scope)
    site = flows.sites.get(id(origin)) if origin is not None else None
    source, _ = entry_for(site.qualnames, section("random_source")) if site else (None, "")
    if source is None or source.get("generates_aes"):
        return None  # generate_key() is judged where it is called
    length = flows.constant(argument(site, source["arg"]), flows.scope(site))
    if type(length) is not int:
        return None
    return length * 8 if source["unit"] == "bytes" else length
