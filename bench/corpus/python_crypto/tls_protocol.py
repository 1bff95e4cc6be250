"""TLS protocol versions chosen in code."""
import ssl

from OpenSSL import SSL


def contexts(sock):
    a = ssl.SSLContext(ssl.PROTOCOL_SSLv3)  # truth: tls-protocol
    b = ssl.SSLContext(ssl.PROTOCOL_TLSv1)  # truth: tls-protocol
    c = ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)  # truth: tls-protocol
    d = SSL.Context(SSL.SSLv3_METHOD)  # truth: tls-protocol
    e = SSL.Context(SSL.TLSv1_METHOD)  # truth: tls-protocol
    f = ssl.create_default_context()  # truth: ok
    f.minimum_version = ssl.TLSVersion.TLSv1  # truth: tls-protocol
    g = ssl.create_default_context()  # truth: ok
    g.minimum_version = ssl.TLSVersion.TLSv1_2  # truth: ok
    h = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # truth: ok
    i = SSL.Context(SSL.TLS_METHOD)  # truth: ok
    i.set_min_proto_version(SSL.TLS1_2_VERSION)  # truth: ok
    j = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)  # truth: ok
    k = ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1)  # truth: tls-protocol, verify-disabled
    m = SSL.Context(method=SSL.TLSv1_1_METHOD)  # truth: tls-protocol
    n = ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1_2, cert_reqs=ssl.CERT_REQUIRED)  # truth: verify-disabled
    return a, b, c, d, e, f, g, h, i, j, k, m, n
