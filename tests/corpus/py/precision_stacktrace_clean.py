# An exception handed to the handler that turns it into a response, or returned as
# an object to the caller, is not its text sent to the client.
from flask import Flask

from .handlers import response_for_exception

app = Flask(__name__)


@app.route("/static/<path:path>")
def static(request, path):
    try:
        return serve(path)
    except Exception as e:
        return response_for_exception(request, e)


def match(router, path):
    try:
        return router.match(path)
    except RequestRedirect as e:
        return e
    except MethodNotAllowed as e:
        return e.valid_methods
