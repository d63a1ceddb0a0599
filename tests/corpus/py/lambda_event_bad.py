# CWE-20 idiom: an AWS Lambda handler's `event` is what API Gateway (or a queue, or a
# bucket notification) sent: request data, followed like Flask's request.args.
import subprocess

import requests


def lambda_handler(event, context):
    name = event["queryStringParameters"]["file"]
    # expect-next: path-traversal
    with open("/srv/uploads/" + name) as fh:
        body = fh.read()
    # expect-next: shell-injection
    subprocess.run(["convert", event["src"], "out.png"], check=True)
    # expect-next: ssrf
    requests.get(event["callback"], timeout=5)
    return {"statusCode": 200, "body": body}


def handler(event, context):
    target = event.get("path", "")
    # expect-next: path-traversal
    return open(target).read()
