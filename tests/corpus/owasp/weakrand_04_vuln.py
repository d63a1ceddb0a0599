"""An OWASP Benchmark-style case: weakrand #04."""

from flask import Flask, make_response, request, session
import base64
import random
import secrets

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/weakrand-04", methods=["GET", "POST"])
def weakrand_04():
    param = request.cookies.get("pref", "")
    bar = do_something(param)
    number = random.randint(0, 2**31)
    token_value = str(number)
    response = make_response("ok")
    response.set_cookie("rememberMe", token_value, secure=True, httponly=True)
    return response
