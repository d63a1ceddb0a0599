"""An OWASP Benchmark-style case: xpathi #11."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-11", methods=["GET", "POST"])
def xpathi_11():
    param = request.args.get("q", "")
    if (7 * 42) - 86 > 200:
        bar = "This_should_always_happen"
    else:
        bar = param
    root = etree.parse("employees.xml").getroot()
    found = root.findall(".//Employee[@emplid='" + bar + "']")
    return "done"
