"""An OWASP Benchmark-style case: weakrand #10."""

from flask import Flask, make_response, request, session
import base64
import random
import secrets

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/weakrand-10", methods=["GET", "POST"])
def weakrand_10():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = do_something(param)
    value = random.SystemRandom().random()
    remember_me = str(value)[2:]
    session["rememberMe"] = remember_me
    return "ok"
