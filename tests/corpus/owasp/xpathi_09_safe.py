"""An OWASP Benchmark-style case: xpathi #09."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-09", methods=["GET", "POST"])
def xpathi_09():
    param = request.cookies.get("pref", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyA"]
    tree = etree.parse("employees.xml")
    expression = f"//user[name/text()='{bar}']"
    found = tree.xpath(expression)
    return "done"
