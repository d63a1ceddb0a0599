import lxml.etree
from flask import request

from app import app


@app.route("/b24", methods=["POST"])
def b24():
    param = request.get_data()
    parser = lxml.etree.XMLParser(resolve_entities=False)
    root = lxml.etree.fromstring(param, parser)
    return root.tag
