"""An OWASP Benchmark-style case: xxe #01."""

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


@app.route("/xxe-01", methods=["GET", "POST"])
def xxe_01():
    param = request.args.get("q", "")
    bar = param
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(bar.encode(), parser)
    return "done"
