import random
import secrets


def quiz(pool, deck, backoff):
    questions = random.sample(pool, 5)
    random.shuffle(deck)
    delay = random.uniform(0, 1) * backoff
    token = secrets.token_urlsafe(32)
    return questions, delay, token
