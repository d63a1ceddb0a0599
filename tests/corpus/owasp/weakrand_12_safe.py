"""An OWASP Benchmark-style case: weakrand #12."""

from flask import Flask, make_response, request, session
import base64
import random
import secrets

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/weakrand-12", methods=["GET", "POST"])
def weakrand_12():
    param = request.form.get("field", "")
    bar = do_something(param)
    questions = ['a', 'b', 'c']
    pick = random.choice(questions)
    return {"question": pick}
