"""Look-alikes: tokens signed with a real algorithm, and a setting that merely names "none"."""
import os

import jwt

SIGNING_KEY = os.environ["JWT_KEY"]


def issue_token(user_id):
    return jwt.encode({"sub": user_id}, SIGNING_KEY, algorithm="HS256")


def issue_rs_token(claims, private_key):
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": "none"})
