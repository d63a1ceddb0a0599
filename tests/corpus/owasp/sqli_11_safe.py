"""An OWASP Benchmark-style case: sqli #11."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-11", methods=["GET", "POST"])
def sqli_11():
    param = request.args.get("q", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    conn = sqlite3.connect("app.db")
    sql = f"SELECT * FROM users WHERE USERNAME='foo' and PASSWORD='{bar}'"
    rows = conn.execute(sql).fetchone()
    return "done"
