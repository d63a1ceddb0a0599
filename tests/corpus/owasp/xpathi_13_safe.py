"""An OWASP Benchmark-style case: xpathi #13."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-13", methods=["GET", "POST"])
def xpathi_13():
    param = request.headers.get("X-Custom", "")
    bar = param
    tree = etree.parse("employees.xml")
    found = tree.xpath("/Employees/Employee[@emplid=$emplid]", emplid=bar)
    return "done"
