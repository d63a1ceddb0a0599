from flask import request

from app import app
import helpers.db_sqlite


@app.route("/b05", methods=["GET", "POST"])
def b05():
    param = request.values.get("b05", "")
    bar = f"{param}"
    sql = "SELECT * from USERS where USERNAME='foo' and PASSWORD='" + bar + "'"
    con = helpers.db_sqlite.get_connection()
    cur = con.cursor()
    cur.execute(sql)  # VULN sql-interpolation (the query text is built on line 11)
    return str(cur.fetchone())
