"""An OWASP Benchmark-style case: xss #09."""

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


@app.route("/xss-09", methods=["GET", "POST"])
def xss_09():
    param = request.cookies.get("pref", "")
    bar = param
    return Markup(f"<b>{bar}</b>")
