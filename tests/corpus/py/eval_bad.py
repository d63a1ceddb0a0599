from flask import request


def calc():
    return eval(request.args["expr"])  # expect: eval-exec


def run_plugin(code):
    exec(code)  # expect: eval-exec
