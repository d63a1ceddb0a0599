"""An OWASP Benchmark-style case: xss #02."""

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


@app.route("/xss-02", methods=["GET", "POST"])
def xss_02():
    param = request.form.get("field", "")
    bar = param.strip()
    return f"<p>Hello {bar}</p>"
