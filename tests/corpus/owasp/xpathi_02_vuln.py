"""An OWASP Benchmark-style case: xpathi #02."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-02", methods=["GET", "POST"])
def xpathi_02():
    param = request.form.get("field", "")
    bar = param.strip()
    tree = etree.parse("employees.xml")
    found = tree.xpath("/Employees/Employee[@emplid='" + bar + "']")
    return "done"
