"""An OWASP Benchmark-style case: codeinj #12."""

from flask import Flask, make_response, request, session
import ast
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/codeinj-12", methods=["GET", "POST"])
def codeinj_12():
    param = request.form.get("field", "")
    guess = "ABC"
    switch_target = guess[1]
    if switch_target == "A":
        bar = param
    elif switch_target == "B":
        bar = "bob"
    else:
        bar = param
    result = eval("1 + " + bar)
    return "done"
