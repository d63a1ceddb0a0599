import lxml.etree
from flask import request

from app import app


@app.route("/b21")
def b21():
    param = request.args.get("b21", "")
    bar = param
    root = lxml.etree.parse("employees.xml").getroot()
    query = "/Employees/Employee[@emplid='" + bar + "']"
    nodes = root.xpath(query)  # VULN xpath-injection
    return str(len(nodes))
