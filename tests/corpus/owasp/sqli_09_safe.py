"""An OWASP Benchmark-style case: sqli #09."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-09", methods=["GET", "POST"])
def sqli_09():
    param = request.cookies.get("pref", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM users WHERE name = '" + bar + "'").fetchone()
    return "done"
