import ldap3
from flask import request

from app import app


@app.route("/b19")
def b19():
    param = request.form.get("b19", "")
    bar = param
    server = ldap3.Server("localhost")
    conn = ldap3.Connection(server)
    base = "ou=users,ou=system"
    filter_ = "(&(objectclass=person))(|(uid=" + bar + ")(street={0}))".format("The streetz 4 Ms bar")
    conn.search(base, filter_, attributes=["uid", "street"])  # VULN ldap-injection
    return str(conn.entries)
