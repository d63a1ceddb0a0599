import random
import string

ALPHABET = string.ascii_letters + string.digits


def make_reset_token():
    return "".join(random.choice(ALPHABET) for _ in range(32))  # expect: insecure-random


def start_login(session):
    otp = random.randint(100000, 999999)  # expect: insecure-random
    session_id = str(random.random())  # expect: insecure-random
    return otp, session_id
