import hashlib
import os

import bcrypt


def store(user, password, file_bytes, content):
    checksum = hashlib.sha256(file_bytes).hexdigest()
    etag = hashlib.md5(content).hexdigest()
    salt = os.urandom(16)
    user.pw = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    user.pw2 = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
    return checksum, etag
