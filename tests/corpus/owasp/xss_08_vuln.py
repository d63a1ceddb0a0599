"""An OWASP Benchmark-style case: xss #08."""

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


@app.route("/xss-08", methods=["GET", "POST"])
def xss_08():
    param = request.headers.get("X-Custom", "")
    parts = []
    parts.append("x")
    parts.append(param)
    bar = parts[-1]
    output = "<ul>"
    output += "<li>" + bar + "</li>"
    output += "</ul>"
    return output
