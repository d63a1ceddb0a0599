"""An OWASP Benchmark-style case: sqli #18."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-18", methods=["GET", "POST"])
def sqli_18():
    param = request.headers.get("X-Custom", "")
    bar = param.strip()
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM users WHERE name = ?", (bar,)).fetchone()
    return "done"
