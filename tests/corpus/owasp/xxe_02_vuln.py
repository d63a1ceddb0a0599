"""An OWASP Benchmark-style case: xxe #02."""

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


@app.route("/xxe-02", methods=["GET", "POST"])
def xxe_02():
    param = request.form.get("field", "")
    bar = do_something(param)
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(bar.encode(), parser)
    return "done"
