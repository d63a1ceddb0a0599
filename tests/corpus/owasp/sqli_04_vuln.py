"""An OWASP Benchmark-style case: sqli #04."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-04", methods=["GET", "POST"])
def sqli_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    conn = sqlite3.connect("app.db")
    sql = f"SELECT * FROM users WHERE USERNAME='foo' and PASSWORD='{bar}'"
    rows = conn.execute(sql).fetchone()
    return "done"
