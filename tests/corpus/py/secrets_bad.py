import os

AWS_ACCESS_KEY_ID = "AKIAZ3MSJV4WWNKWW5FG"  # expect: hardcoded-secret
DB_PASSWORD = "hunter2hunter2"  # expect: hardcoded-secret
api_key = "9f8e7d6c5b4a39281716f5e4d3c2b1a0"  # expect: hardcoded-secret
DATABASE_URL = "postgres://admin:S3cretPassw0rd@db.internal:5432/app"  # expect: hardcoded-secret
settings = {"jwt_secret": "q8Z2x!r7Lm0pV4sT9wYb"}  # expect: hardcoded-secret
SECRET_KEY = os.getenv("SECRET_KEY", "dev-9f2k3j4h5g6f7d8s")  # expect: hardcoded-secret
# expect-next: hardcoded-secret
PRIVATE_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAn0tTqZexampleexampleexampleexampleexample
-----END RSA PRIVATE KEY-----"""


def connect(client):
    return client.login(user="svc", password="Tr0ub4dor&3")  # expect: hardcoded-secret
