"""An OWASP Benchmark-style case: xpathi #06."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-06", methods=["GET", "POST"])
def xpathi_06():
    param = request.args.get("q", "")
    bar = base64.b64decode(base64.b64encode(param.encode())).decode()
    root = etree.parse("employees.xml").getroot()
    found = root.findall(".//Employee[@emplid='" + bar + "']")
    return "done"
