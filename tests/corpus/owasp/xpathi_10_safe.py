"""An OWASP Benchmark-style case: xpathi #10."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-10", methods=["GET", "POST"])
def xpathi_10():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = ignore_input(param)
    tree = etree.parse("employees.xml")
    expression = f"//user[name/text()='{bar}']"
    found = tree.xpath(expression)
    return "done"
