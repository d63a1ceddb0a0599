"""An OWASP Benchmark-style case: xxe #05."""

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


@app.route("/xxe-05", methods=["GET", "POST"])
def xxe_05():
    param = (request.get_json(silent=True) or {}).get("value", "")
    bar = param
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    xml.sax.parseString(bar.encode(), xml.sax.ContentHandler())
    return "done"
