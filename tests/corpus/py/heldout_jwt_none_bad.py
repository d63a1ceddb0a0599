"""CWE-347: tokens issued with the "none" algorithm carry no signature at all."""
import jwt


def issue_guest_token(user_id):
    return jwt.encode({"sub": user_id, "role": "guest"}, None, algorithm="none")


def issue_debug_token(claims):
    return jwt.encode(claims, key="", algorithm="NONE")
