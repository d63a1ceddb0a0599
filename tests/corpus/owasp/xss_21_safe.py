"""An OWASP Benchmark-style case: xss #21."""

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


@app.route("/xss-21", methods=["GET", "POST"])
def xss_21():
    param = request.args.get("q", "")
    bar = param
    return f"<p>Hello {html.escape(bar)}</p>"
