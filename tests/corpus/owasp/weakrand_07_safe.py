"""An OWASP Benchmark-style case: weakrand #07."""

from flask import Flask, make_response, request, session
import base64
import random
import secrets

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/weakrand-07", methods=["GET", "POST"])
def weakrand_07():
    param = request.form.get("field", "")
    bar = param
    remember_me = secrets.token_hex(16)
    session["rememberMe"] = remember_me
    response = make_response("ok")
    response.set_cookie("rememberMe", remember_me, secure=True, httponly=True)
    return response
