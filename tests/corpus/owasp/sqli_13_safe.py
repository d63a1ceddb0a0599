"""An OWASP Benchmark-style case: sqli #13."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-13", methods=["GET", "POST"])
def sqli_13():
    param = request.headers.get("X-Custom", "")
    if (7 * 42) - 86 > 200:
        bar = "This_should_always_happen"
    else:
        bar = param
    conn = sqlite3.connect("app.db")
    rows = conn.execute("UPDATE users SET name = '%s' WHERE id = 1" % bar)
    return "done"
