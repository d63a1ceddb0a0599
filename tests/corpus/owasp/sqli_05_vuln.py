"""An OWASP Benchmark-style case: sqli #05."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-05", methods=["GET", "POST"])
def sqli_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyB"]
    conn = sqlite3.connect("app.db")
    rows = conn.execute("UPDATE users SET name = '%s' WHERE id = 1" % bar)
    return "done"
