"""An OWASP Benchmark-style case: xss #07."""

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


@app.route("/xss-07", methods=["GET", "POST"])
def xss_07():
    param = request.form.get("field", "")
    num = 106
    bar = param if (7 * 18) + num > 200 else "This_should_never_happen"
    output = "<ul>"
    output += "<li>" + bar + "</li>"
    output += "</ul>"
    return output
