from flask import request

from app import app
import helpers.db_sqlite


@app.route("/b06")
def b06():
    param = request.cookies.get("b06", "noCookieValueSupplied")
    map_ = {}
    map_["keyA-6"] = "a-Value"
    map_["keyB-6"] = param
    map_["keyC"] = "another-Value"
    bar = map_["keyA-6"]
    sql = "SELECT * from USERS where USERNAME='foo' and PASSWORD='" + bar + "'"
    con = helpers.db_sqlite.get_connection()
    con.cursor().execute(sql)
    return "ok"
