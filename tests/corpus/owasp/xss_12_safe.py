"""An OWASP Benchmark-style case: xss #12."""

from flask import Flask, make_response, request, session
from flask import jsonify, render_template
from markupsafe import Markup, escape
import base64
import html

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xss-12", methods=["GET", "POST"])
def xss_12():
    param = request.form.get("field", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    return f"<p>Hello {bar}</p>"
