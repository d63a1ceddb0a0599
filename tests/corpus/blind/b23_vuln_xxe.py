import xml.sax
from flask import request

from app import app


class Handler(xml.sax.ContentHandler):
    pass


@app.route("/b23", methods=["POST"])
def b23():
    param = request.get_data(as_text=True)
    parser = xml.sax.make_parser()
    parser.setFeature("http://xml.org/sax/features/external-general-entities", True)  # VULN xml-external-entities
    parser.setContentHandler(Handler())
    parser.parse(param)
    return "parsed"
