import os
import re

from flask import abort, request, send_file

NAME = re.compile(r"[a-z0-9_-]{1,64}")


def download():
    name = request.args.get("name", "")
    if len(name) > 64 or not NAME.fullmatch(name):
        abort(400)
    return send_file(os.path.join("/srv/files", os.path.basename(name)))


def search(cur, terms):
    if len(terms) > 100:
        raise ValueError("too many terms")
    cur.execute("SELECT id FROM items WHERE name = ANY(%s)", (terms,))


def title(text):
    if len(text) > 80:
        return text[:80]
    return text
