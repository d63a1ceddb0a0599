import lxml.etree
from flask import request

from app import app


@app.route("/b22")
def b22():
    param = request.args.get("b22", "")
    root = lxml.etree.parse("employees.xml").getroot()
    nodes = root.xpath("/Employees/Employee[@emplid=$id]", id=param)
    return str(len(nodes))
