import hashlib
from hashlib import sha256


def store(user, password, pwd, new_password):
    user.pw = hashlib.md5(password.encode()).hexdigest()  # expect: weak-password-hash
    legacy = hashlib.sha1(pwd).hexdigest()  # expect: weak-password-hash
    digest = hashlib.sha256(password.encode()).hexdigest()  # expect: weak-password-hash
    user.pw2 = sha256(new_password.encode()).hexdigest()  # expect: weak-password-hash
    return legacy, digest
