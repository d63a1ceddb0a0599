import jwt
from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def current_user(token: str, key: str):
    claims = jwt.decode(token, key, algorithms=["HS256"])  # expect: token-scope-unchecked
    return claims["sub"]


async def require_token(token: str = Depends(oauth2_scheme)):  # expect: token-scope-unchecked
    if not token:
        raise HTTPException(status_code=401)
    return {"ok": True}
