"""Hashes: integrity, passwords, and the lines that only look suspicious."""
import hashlib
import hmac

from Crypto.Hash import MD5, SHA1, SHA256
from cryptography.hazmat.primitives import hashes


def integrity(blob, password, key, url, salt):
    a = hashlib.md5(blob).hexdigest()  # truth: weak-hash
    b = hashlib.sha1(blob).hexdigest()  # truth: weak-hash
    c = hashlib.new("md5", blob).hexdigest()  # truth: weak-hash
    d = hashlib.new("sha1")  # truth: weak-hash
    e = MD5.new(blob).hexdigest()  # truth: weak-hash
    f = SHA1.new(blob).hexdigest()  # truth: weak-hash
    g = hashes.Hash(hashes.MD5())  # truth: weak-hash
    h = hashes.Hash(hashes.SHA1())  # truth: weak-hash
    i = hashlib.sha256(blob).hexdigest()  # truth: ok
    j = hashlib.sha3_256(blob).hexdigest()  # truth: ok
    k = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()  # truth: ok
    m = hashlib.sha1(blob, usedforsecurity=False).hexdigest()  # truth: ok
    n = hmac.new(key, blob, hashlib.sha1).hexdigest()  # truth: ok
    o = hmac.new(key, blob, hashlib.sha256).digest()  # truth: ok
    p = SHA256.new(blob).hexdigest()  # truth: ok
    q = hashlib.blake2b(blob, digest_size=32).hexdigest()  # truth: ok
    return a, b, c, d, e, f, g, h, i, j, k, m, n, o, p, q


def passwords(password, salt):
    r = hashlib.md5(password.encode()).hexdigest()  # truth: weak-hash
    s = hashlib.sha256(password.encode()).hexdigest()  # truth: weak-hash
    t = hashlib.sha512((salt + password).encode()).hexdigest()  # truth: weak-hash
    u = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)  # truth: weak-hash
    v = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)  # truth: ok
    w = hashlib.scrypt(password.encode(), salt=salt, n=2**17, r=8, p=1)  # truth: ok
    x = hashlib.sha256(salt).hexdigest()  # truth: ok
    return r, s, t, u, v, w, x
