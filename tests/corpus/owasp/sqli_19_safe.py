"""An OWASP Benchmark-style case: sqli #19."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-19", methods=["GET", "POST"])
def sqli_19():
    param = request.cookies.get("pref", "")
    bar = do_something(param)
    query = text("SELECT * FROM users WHERE name = :name").bindparams(name=bar)
    return "done"
