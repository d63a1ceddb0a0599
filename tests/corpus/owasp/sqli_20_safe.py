"""An OWASP Benchmark-style case: sqli #20."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-20", methods=["GET", "POST"])
def sqli_20():
    param = (request.get_json(silent=True) or {}).get("value", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    query = text("SELECT * FROM users WHERE name = :name").bindparams(name=bar)
    return "done"
