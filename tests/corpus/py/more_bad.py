"""Defects written in less common shapes (aliases, line breaks, methods)."""

import hashlib as hl
import pickle as pk
import subprocess as sp

import requests as http
import yaml


class Repo:
    def __init__(self, cur):
        self.cur = cur

    def by_name(self, name):
        self.cur.execute(
            "SELECT id FROM users "
            "WHERE name = '%s'" % name  # expect: sql-interpolation
        )
        return self.cur.fetchone()

    def fetch_remote(self, url):
        return http.post(  # expect: missing-timeout
            url,
            json={"a": 1},
        )

    def restore(self, blob):
        return pk.loads(blob)  # expect: unsafe-deserialization

    def digest(self, password):
        return hl.sha1(password.encode()).hexdigest()  # expect: weak-password-hash

    def run(self, cmd):
        return sp.Popen(cmd, shell=True)  # expect: shell-injection

    def config(self, fh):
        return yaml.load(fh, Loader=yaml.UnsafeLoader)  # expect: unsafe-deserialization

    def ping(self, host):
        try:
            return http.head(host, timeout=3)
        except Exception:  # expect: swallowed-exception
            return None
