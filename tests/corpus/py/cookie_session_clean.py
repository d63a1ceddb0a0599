# Look-alikes of CWE-1004: cookies scripts are meant to read (a CSRF token for the
# double-submit pattern, a display preference) set Secure without HttpOnly, and a session
# cookie with every flag.
from flask import make_response


def page(csrf_value, session_value):
    resp = make_response("ok")
    resp.set_cookie("csrftoken", csrf_value, secure=True, samesite="Strict")
    resp.set_cookie("theme", "dark", secure=True, samesite="Lax")
    resp.set_cookie("session_id", session_value, secure=True, httponly=True, samesite="Lax")
    return resp
