"""An OWASP Benchmark-style case: xss #17."""

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


@app.route("/xss-17", methods=["GET", "POST"])
def xss_17():
    param = request.form.get("field", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    output = "<ul>"
    output += "<li>" + bar + "</li>"
    output += "</ul>"
    return output
