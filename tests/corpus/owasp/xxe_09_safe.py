"""An OWASP Benchmark-style case: xxe #09."""

from flask import Flask, make_response, request, session
from lxml import etree
import base64
import defusedxml.ElementTree
import xml.sax

app = Flask(__name__)


def do_something(value):
    return value.replace("\x00", "")


def ignore_input(value):
    return "constant_value"


@app.route("/xxe-09", methods=["GET", "POST"])
def xxe_09():
    param = request.cookies.get("pref", "")
    bar = param
    doc = defusedxml.ElementTree.fromstring(bar)
    return "done"
