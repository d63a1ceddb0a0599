"""CWE-643: the login query of the CWE entry, its text assembled in pieces from the form."""
import io

from flask import Flask, request
from lxml import etree

app = Flask(__name__)


@app.route("/login-buffer", methods=["POST"])
def login_buffer():
    doc = etree.parse("users.xml")
    query = io.StringIO()
    query.write("//users/user[login/text()='")
    query.write(request.form["login"])
    query.write("' and password/text()='")
    query.write(request.form["password"])
    query.write("']/home_dir/text()")
    return str(doc.xpath(query.getvalue()))  # expect: xpath-injection


@app.route("/login-print", methods=["POST"])
def login_print():
    doc = etree.parse("users.xml")
    buf = io.StringIO()
    print("//users/user[login/text()='", request.form["login"], "']/home_dir/text()", sep="", end="", file=buf)
    return str(doc.xpath(buf.getvalue()))  # expect: xpath-injection


@app.route("/login-wrong-quote", methods=["POST"])
def login_wrong_quote():
    doc = etree.parse("users.xml")
    login = request.form["login"].replace("'", "&apos;")  # the literal below is in double quotes
    return str(doc.xpath('//users/user[login/text()="' + login + '"]/home_dir/text()'))  # expect: xpath-injection


@app.route("/user-by-number")
def user_by_number():
    doc = etree.parse("users.xml")
    uid = request.args.get("id", "").replace("'", "")  # no quotes around it: "1 or 1=1" still works
    return str(doc.xpath("//users/user[@id=" + uid + "]/login/text()"))  # expect: xpath-injection
