"""An OWASP Benchmark-style case: xxe #06."""

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


@app.route("/xxe-06", methods=["GET", "POST"])
def xxe_06():
    param = request.args.get("q", "")
    bar = do_something(param)
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    xml.sax.parseString(bar.encode(), xml.sax.ContentHandler())
    return "done"
