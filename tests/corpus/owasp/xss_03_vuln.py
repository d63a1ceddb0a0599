"""An OWASP Benchmark-style case: xss #03."""

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


@app.route("/xss-03", methods=["GET", "POST"])
def xss_03():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    response = make_response("<h1>" + bar + "</h1>")
    return response
