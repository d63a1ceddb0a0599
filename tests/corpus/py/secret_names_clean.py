"""Session keys, lexer tokens and alphabets look like secrets by name only."""
SESSION_KEY = "_auth_user_id"
CSRF_SESSION_KEY = "_csrftoken"
SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ENGINE_DOC = "postgresql+psycopg2://scott:tiger@192.168.0.199:5432/test"


def directive(token):
    if token == "#bygroup":
        return "group"
    return token
