import ldap3
from flask import request

from app import app


@app.route("/b20")
def b20():
    param = request.form.get("b20", "")
    bar = "bob"
    if param == "x":
        bar = "alice"
    conn = ldap3.Connection(ldap3.Server("localhost"))
    conn.search("ou=users,ou=system", "(&(objectclass=person)(uid=" + bar + "))", attributes=["uid"])
    return "ok"
