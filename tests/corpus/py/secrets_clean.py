import getpass
import os

API_KEY = os.environ["API_KEY"]
DB_PASSWORD = os.getenv("DB_PASSWORD")
TOKEN_URL = "https://auth.example.com/oauth/token"
token_type = "Bearer"
PASSWORD_FIELD = "password"
secret_name = "prod/db/password"
EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"
password_min_length = 12
password_placeholder = "${DB_PASSWORD}"
auth_header = "Authorization"


def ask():
    password = getpass.getpass("Password: ")
    next_token = fetch()["NextToken"]
    return password, next_token
