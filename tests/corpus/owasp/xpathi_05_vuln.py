"""An OWASP Benchmark-style case: xpathi #05."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-05", methods=["GET", "POST"])
def xpathi_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    mapping = {"keyA": "a_Value", "keyB": param}
    bar = mapping["keyB"]
    root = etree.parse("employees.xml").getroot()
    found = root.findall(".//Employee[@emplid='" + bar + "']")
    return "done"
