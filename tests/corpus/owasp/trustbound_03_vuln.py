"""An OWASP Benchmark-style case: trustbound #03."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-03", methods=["GET", "POST"])
def trustbound_03():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    session[bar] = "10340"
    return "done"
