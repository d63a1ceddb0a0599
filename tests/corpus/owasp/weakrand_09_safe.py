"""An OWASP Benchmark-style case: weakrand #09."""

from flask import Flask, make_response, request, session
import base64
import random
import secrets

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/weakrand-09", methods=["GET", "POST"])
def weakrand_09():
    param = request.cookies.get("pref", "")
    bar = param
    value = random.SystemRandom().random()
    remember_me = str(value)[2:]
    session["rememberMe"] = remember_me
    return "ok"
