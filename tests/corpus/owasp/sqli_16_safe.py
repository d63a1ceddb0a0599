"""An OWASP Benchmark-style case: sqli #16."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-16", methods=["GET", "POST"])
def sqli_16():
    param = request.args.get("q", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    query = text("SELECT * FROM users WHERE name = '" + bar + "'")
    return "done"
