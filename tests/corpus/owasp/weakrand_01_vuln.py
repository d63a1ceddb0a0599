"""An OWASP Benchmark-style case: weakrand #01."""

from flask import Flask, make_response, request, session
import base64
import random
import secrets

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/weakrand-01", methods=["GET", "POST"])
def weakrand_01():
    param = request.args.get("q", "")
    bar = param
    value = random.random()
    remember_me = str(value)[2:]
    session["rememberMe"] = remember_me
    response = make_response("ok")
    response.set_cookie("rememberMe", remember_me, secure=True, httponly=True)
    return response
