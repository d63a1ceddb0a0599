"""An OWASP Benchmark-style case: sqli #12."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-12", methods=["GET", "POST"])
def sqli_12():
    param = request.form.get("field", "")
    bar = ignore_input(param)
    conn = sqlite3.connect("app.db")
    sql = f"SELECT * FROM users WHERE USERNAME='foo' and PASSWORD='{bar}'"
    rows = conn.execute(sql).fetchone()
    return "done"
