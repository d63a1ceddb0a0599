"""An OWASP Benchmark-style case: xxe #08."""

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


@app.route("/xxe-08", methods=["GET", "POST"])
def xxe_08():
    param = request.headers.get("X-Custom", "")
    bar = do_something(param)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.fromstring(bar.encode(), parser)
    return "done"
