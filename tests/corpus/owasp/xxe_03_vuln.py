"""An OWASP Benchmark-style case: xxe #03."""

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


@app.route("/xxe-03", methods=["GET", "POST"])
def xxe_03():
    param = request.headers.get("X-Custom", "")
    bar = param
    parser = etree.XMLParser(no_network=False)
    doc = etree.fromstring(bar.encode(), parser)
    return "done"
