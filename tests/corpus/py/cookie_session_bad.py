# CWE-1004: a cookie that identifies the user, sent without HttpOnly, can be read by any
# script on the page (an XSS then steals the session), even when it is Secure.
from flask import make_response


def login_done(user_token):
    resp = make_response("welcome")
    resp.set_cookie("session_id", user_token, secure=True, samesite="Lax")  # expect: insecure-cookie
    resp.set_cookie("auth_token", user_token, secure=True)  # expect: insecure-cookie
    resp.set_cookie("remember_me", "1", secure=True, httponly=False)  # expect: insecure-cookie
    return resp
