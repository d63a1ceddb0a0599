"""An OWASP Benchmark-style case: xxe #10."""

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


@app.route("/xxe-10", methods=["GET", "POST"])
def xxe_10():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = do_something(param)
    doc = defusedxml.ElementTree.fromstring(bar)
    return "done"
