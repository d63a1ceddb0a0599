# Look-alike: a Lambda handler whose event values are cleaned or unused as paths, hosts
# and commands; and an ordinary function that takes an `event` but is not a handler.
import os
import subprocess

import requests


def lambda_handler(event, context):
    name = os.path.basename(event["file"])
    with open("/srv/uploads/" + name) as fh:
        body = fh.read()
    count = int(event["count"])
    subprocess.run(["convert", "-resize", str(count), "in.png", "out.png"], check=True)
    requests.get("https://api.example.com/v1/items", params={"q": event["q"]}, timeout=5)
    return {"statusCode": 200, "body": body}


def on_event(event, context):
    return open(event.path).read()
