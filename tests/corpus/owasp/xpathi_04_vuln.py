"""An OWASP Benchmark-style case: xpathi #04."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-04", methods=["GET", "POST"])
def xpathi_04():
    param = request.cookies.get("pref", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[0]
    tree = etree.parse("employees.xml")
    expression = f"//user[name/text()='{bar}']"
    found = tree.xpath(expression)
    return "done"
