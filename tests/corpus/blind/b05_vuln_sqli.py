from flask import request

from app import app
import helpers.db_sqlite


@app.route("/b05", methods=["GET", "POST"])
def b05():
    param = request.values.get("b05", "")
    bar = f"{param}"
    sql = "SELECT * from USERS where USERNAME='foo' and PASSWORD='" + bar + "'"  # VULN sql-interpolation
    con = helpers.db_sqlite.get_connection()
    cur = con.cursor()
    cur.execute(sql)
    return str(cur.fetchone())
