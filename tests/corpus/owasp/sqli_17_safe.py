"""An OWASP Benchmark-style case: sqli #17."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-17", methods=["GET", "POST"])
def sqli_17():
    param = request.form.get("field", "")
    bar = param
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM users WHERE name = ?", (bar,)).fetchone()
    return "done"
