"""Plaintext channels: mail, file transfer, terminals, HTTP, databases, caches."""
import ftplib  # truth: ok
import smtplib
import ssl
import telnetlib  # truth: ok

import psycopg2
import pymysql
import redis
import requests
from pymongo import MongoClient


def mail(msg, password):
    with smtplib.SMTP("mail.example.com", 25) as s:  # truth: plaintext
        s.login("app", password)
        s.send_message(msg)
    with smtplib.SMTP("mail.example.com", 587) as t:  # truth: ok
        t.starttls(context=ssl.create_default_context())
        t.login("app", password)
    with smtplib.SMTP_SSL("mail.example.com", 465) as u:  # truth: ok
        u.login("app", password)
    with smtplib.SMTP("localhost") as v:  # truth: ok
        v.send_message(msg)


def transfer(path, password, host):
    a = ftplib.FTP("ftp.partner.example.com")  # truth: plaintext
    b = ftplib.FTP_TLS("ftp.partner.example.com")  # truth: ok
    c = telnetlib.Telnet("switch.example.com", 23)  # truth: plaintext
    d = requests.post("http://crm.partner.example.com/api/customers", json={})  # truth: plaintext
    e = requests.get("http://reports.example.com/daily.csv")  # truth: plaintext
    f = requests.post("https://crm.partner.example.com/api/customers", json={})  # truth: ok
    g = requests.get("http://localhost:8080/health")  # truth: ok
    return a, b, c, d, e, f, g


def stores(password):
    a = psycopg2.connect(host="db.example.com", password=password, sslmode="disable")  # truth: plaintext
    b = psycopg2.connect(host="db.example.com", password=password, sslmode="verify-full")  # truth: ok
    c = pymysql.connect(host="mysql.example.com", password=password, ssl_disabled=True)  # truth: plaintext
    d = MongoClient("mongodb://mongo.example.com/?tls=false")  # truth: plaintext
    e = MongoClient("mongodb+srv://mongo.example.com/")  # truth: ok
    f = redis.Redis(host="cache.example.com", password=password)  # truth: plaintext
    g = redis.from_url("rediss://cache.example.com:6380/0")  # truth: ok
    return a, b, c, d, e, f, g
