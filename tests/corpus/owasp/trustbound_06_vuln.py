"""An OWASP Benchmark-style case: trustbound #06."""

from flask import Flask, make_response, request, session
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/trustbound-06", methods=["GET", "POST"])
def trustbound_06():
    param = request.args.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode())).decode()
    session.update({"user": bar})
    return "done"
