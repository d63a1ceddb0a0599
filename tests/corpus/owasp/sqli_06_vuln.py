"""An OWASP Benchmark-style case: sqli #06."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-06", methods=["GET", "POST"])
def sqli_06():
    param = request.args.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode())).decode()
    conn = sqlite3.connect("app.db")
    rows = conn.execute("UPDATE users SET name = '%s' WHERE id = 1" % bar)
    return "done"
