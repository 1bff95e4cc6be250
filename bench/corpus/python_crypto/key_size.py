"""Key sizes: RSA, DSA, DH, elliptic curves."""
from Crypto.PublicKey import DSA, ECC, RSA
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, rsa


def keys():
    a = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # truth: small-key
    b = rsa.generate_private_key(65537, 512)  # truth: small-key
    c = dsa.generate_private_key(key_size=1024)  # truth: small-key
    d = RSA.generate(1024)  # truth: small-key
    e = DSA.generate(1024)  # truth: small-key
    f = ec.generate_private_key(ec.SECP192R1())  # truth: small-key
    g = ec.generate_private_key(ec.SECT163K1())  # truth: small-key
    h = ECC.generate(curve="P-192")  # truth: small-key
    i = dh.generate_parameters(generator=2, key_size=1024)  # truth: small-key
    j = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # truth: ok
    k = rsa.generate_private_key(public_exponent=65537, key_size=4096)  # truth: ok
    m = RSA.generate(3072)  # truth: ok
    n = ec.generate_private_key(ec.SECP256R1())  # truth: ok
    o = ECC.generate(curve="P-384")  # truth: ok
    p = dsa.generate_private_key(key_size=3072)  # truth: ok
    return a, b, c, d, e, f, g, h, i, j, k, m, n, o, p
