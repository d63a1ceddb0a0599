"""An OWASP Benchmark-style case: xxe #11."""

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


@app.route("/xxe-11", methods=["GET", "POST"])
def xxe_11():
    param = request.args.get("q", "")
    bar = param
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    xml.sax.parseString(bar.encode(), xml.sax.ContentHandler())
    return "done"
