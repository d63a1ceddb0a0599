"""An OWASP Benchmark-style case: sqli #14."""

from flask import Flask, make_response, request, session
from sqlalchemy import text
import base64
import sqlite3

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/sqli-14", methods=["GET", "POST"])
def sqli_14():
    param = request.cookies.get("pref", "")
    guess = "ABC"
    switch_target = guess[1]
    if switch_target == "A":
        bar = param
    elif switch_target == "B":
        bar = "bob"
    else:
        bar = param
    conn = sqlite3.connect("app.db")
    rows = conn.execute("UPDATE users SET name = '%s' WHERE id = 1" % bar)
    return "done"
