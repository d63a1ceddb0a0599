# CWE-798 idiom: AWS credentials written into the code that builds a boto3 client
# (boto3 is imported by the package's __init__; not here).

# expect-next: hardcoded-secret
s3 = boto3.client("s3", aws_access_key_id="AKIAR7TQ2WVN5KXE3MZP",
                  region_name="eu-west-1")
# expect-next: hardcoded-secret
session = boto3.session.Session(aws_secret_access_key="q8Vt2LmX4kR9sB1nZc7Wd3Hf6Jy0Pa5Ge2TuNo4E")
# expect-next: hardcoded-secret
backup_secret = "q8Vt2LmX4kR9sB1nZc7Wd3Hf6Jy0Pa5Ge2TuNo4E"
