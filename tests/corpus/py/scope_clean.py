import jwt


def current_admin(token: str, key: str):
    claims = jwt.decode(token, key, algorithms=["HS256"])
    if "admin" not in claims.get("roles", []):
        raise PermissionError("admin role required")
    return claims["sub"]


def api_client(token: str, key: str):
    return jwt.decode(token, key, algorithms=["RS256"], audience="billing-api")


def payload(body: bytes):
    return body.decode("utf-8")
