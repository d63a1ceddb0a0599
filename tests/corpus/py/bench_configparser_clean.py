"""Look-alikes: the request value goes into one ConfigParser option, another (constant) option is used."""
import configparser
import subprocess

import ldap3
from flask import Flask, request

app = Flask(__name__)


@app.route("/people")
def people():
    settings = configparser.ConfigParser()
    settings.add_section("lookup")
    settings.set("lookup", "default_uid", "guest")
    settings.set("lookup", "uid", request.args.get("uid", ""))
    uid = settings.get("lookup", "default_uid")
    conn = ldap3.Connection("ldap://directory.local")
    conn.search("ou=people,dc=example,dc=org", f"(uid={uid})")
    return str(conn.entries)


@app.route("/ping")
def ping():
    cfg = configparser.RawConfigParser()
    cfg.add_section("net")
    cfg.set("net", "host", request.form["host"])
    cfg.set("net", "gateway", "10.0.0.1")
    return subprocess.run("ping -c 1 " + cfg.get("net", "gateway"), shell=True, capture_output=True).stdout
