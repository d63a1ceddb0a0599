"""An OWASP Benchmark-style case: xpathi #07."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xpathi-07", methods=["GET", "POST"])
def xpathi_07():
    param = request.form.get("field", "")
    num = 106
    bar = "This_should_always_happen" if (7 * 18) + num > 200 else param
    tree = etree.parse("employees.xml")
    found = tree.xpath("/Employees/Employee[@emplid='" + bar + "']")
    return "done"
