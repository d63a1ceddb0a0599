"""An OWASP Benchmark-style case: xpathi #08."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-08", methods=["GET", "POST"])
def xpathi_08():
    param = request.headers.get("X-Custom", "")
    values = ["safe", param, "moresafe"]
    values.pop(0)
    bar = values[1]
    tree = etree.parse("employees.xml")
    found = tree.xpath("/Employees/Employee[@emplid='" + bar + "']")
    return "done"
