import jwt


def claims(token, key):
    a = jwt.decode(token, options={"verify_signature": False})  # expect: jwt-signature-unverified
    b = jwt.decode(token, key, algorithms=["none"])  # expect: jwt-signature-unverified
    return a, b
