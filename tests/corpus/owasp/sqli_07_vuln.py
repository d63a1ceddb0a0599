"""An OWASP Benchmark-style case: sqli #07."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-07", methods=["GET", "POST"])
def sqli_07():
    param = request.form.get("field", "")
    num = 106
    bar = param if (7 * 18) + num > 200 else "This_should_never_happen"
    query = text("SELECT * FROM users WHERE name = '" + bar + "'")
    return "done"
