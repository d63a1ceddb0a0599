"""An OWASP Benchmark-style case: trustbound #15."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-15", methods=["GET", "POST"])
def trustbound_15():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = do_something(param)
    session["userid"] = "10340"
    return "done"
