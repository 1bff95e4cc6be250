"""Certificate and host verification."""
import ssl

import httpx
import paramiko
import requests


def clients(url, sock, host, ca):
    a = requests.get(url, verify=False)  # truth: verify-disabled
    b = requests.post(url, json={}, verify=False)  # truth: verify-disabled
    c = httpx.Client(verify=False)  # truth: verify-disabled
    d = ssl._create_unverified_context()  # truth: verify-disabled
    e = ssl.create_default_context()  # truth: ok
    e.check_hostname = False  # truth: verify-disabled
    e.verify_mode = ssl.CERT_NONE  # truth: verify-disabled
    f = ssl.wrap_socket(sock)  # truth: verify-disabled
    g = requests.get(url, verify=ca)  # truth: ok
    h = requests.get(url, timeout=5)  # truth: ok
    i = ssl.create_default_context(cafile=ca)  # truth: ok
    j = i.wrap_socket(sock, server_hostname=host)  # truth: ok
    ssh = paramiko.SSHClient()  # truth: ok
    ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # truth: verify-disabled
    ssh.set_missing_host_key_policy(paramiko.RejectPolicy())  # truth: ok
    return a, b, c, d, e, f, g, h, i, j
