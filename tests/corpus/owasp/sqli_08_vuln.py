"""An OWASP Benchmark-style case: sqli #08."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-08", methods=["GET", "POST"])
def sqli_08():
    param = request.headers.get("X-Custom", "")
    parts = []
    parts.append("x")
    parts.append(param)
    bar = parts[-1]
    query = text("SELECT * FROM users WHERE name = '" + bar + "'")
    return "done"
