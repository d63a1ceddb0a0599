"""An OWASP Benchmark-style case: xss #10."""

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


@app.route("/xss-10", methods=["GET", "POST"])
def xss_10():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = param.strip()
    return Markup(f"<b>{bar}</b>")
