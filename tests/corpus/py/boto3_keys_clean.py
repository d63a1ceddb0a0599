# Look-alike: the same calls with placeholder-shaped keys (masked with x, the documented
# example key) or keys from the environment.
import os


s3 = boto3.client("s3", aws_access_key_id="AKIAxxxxxxxxxxxxxxxx")
session = boto3.session.Session(aws_secret_access_key="jWnyxxxxxxxxxxxxxxxxX7ZQxxxxxxxxxxxxxxxx")
docs_key = "AKIAIOSFODNN7EXAMPLE"
live = boto3.client("s3", aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
