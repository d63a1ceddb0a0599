"""Code that resembles defects but is fine: every rule must stay quiet here."""

import re
from abc import ABC


TOKEN = r"[a-zA-Z_][a-zA-Z0-9_-]*"
_token_end = r"(?=\s|#|[)\]]|$)"
SPINNER = ["⠋⠀", "⠀⠙", "⠹⠀"]
DOC_URL = "postgres://user:pass@localhost:5432/app"


class Config:
    auth_strategy: "OAuthWebAuthStrategy"
    password_hash_scheme: "Argon2"


class ProgressBar:
    def __init__(self, total: float | None = None) -> None:
        self.total = total
        self.completed = 0.0

    def advance(self, total_tokens: float) -> None:
        self.total = float(total_tokens)


class Storage:
    def get(self, key):
        raise NotImplementedError

    def put(self, key, value):
        raise NotImplementedError


class Parser(ABC):
    def parse(self, text):
        raise NotImplementedError


def escape_sql_like(term: str) -> str:
    return re.sub(r"([%_])", r"\\\1", term)


def describe(table: str, n: int) -> str:
    return f"Deleted {n} rows from {table}; select another table from the list"


def retry_delay(attempt: int) -> float:
    return min(30.0, 0.5 * 2**attempt)
