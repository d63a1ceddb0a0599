"""CWE-643's mitigations: the login query with its values kept out of the expression's syntax."""
import io

from flask import Flask, request
from lxml import etree

app = Flask(__name__)


@app.route("/login-variables", methods=["POST"])
def login_variables():
    doc = etree.parse("users.xml")
    query = "//users/user[login/text()=$login and password/text()=$pw]/home_dir/text()"
    return str(doc.xpath(query, login=request.form["login"], pw=request.form["password"]))


@app.route("/login-quoted", methods=["POST"])
def login_quoted():
    doc = etree.parse("users.xml")
    login = request.form["login"].replace("'", "&apos;")
    password = request.form["password"].replace("'", "&apos;")
    return str(doc.xpath(f"//users/user[login/text()='{login}' and password/text()='{password}']/home_dir/text()"))


@app.route("/login-double-quoted", methods=["POST"])
def login_double_quoted():
    doc = etree.parse("users.xml")
    query = '//users/user[login/text()="' + request.form["login"].replace('"', "") + '"]/home_dir/text()'
    return str(doc.xpath(query))


@app.route("/report")
def report():
    doc = etree.parse("users.xml")
    query = io.StringIO()
    query.write("//users/user")
    query.write("[@active='yes']")
    query.write("/login/text()")
    return str(doc.xpath(query.getvalue()))
