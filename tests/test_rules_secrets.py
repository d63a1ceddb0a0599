"""hardcoded-secret: literal key formats (built at run time so no real-looking key
sits in the repository), secret names, and the names that only look secret."""

from __future__ import annotations

import pytest

from triage.rules import SourceFile, analyze


def secrets(path: str, text: str):
    f = SourceFile(path, text, frozenset(range(1, text.count("\n") + 2)))
    return [(x.line, x.message) for x in analyze([f]) if x.rule == "hardcoded-secret"]


ALNUM = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz"

KEYS = {
    "AWS access key id": "AKIA" + "Z3MSJV4WWNKWW5FG",
    "GitHub token": "ghp" + "_" + (ALNUM * 2)[:36],
    "GitLab token": "glpat" + "-" + ALNUM[:20],
    "Slack token": "xoxb" + "-" + "1234567890-" + ALNUM[:24],
    "Stripe live key": "sk" + "_live_" + ALNUM[:24],
    "Google API key": "AIza" + (ALNUM * 2)[:35],
    "npm token": "npm" + "_" + (ALNUM * 2)[:36],
    "private key": "-----BEGIN OPENSSH " + "PRIVATE KEY-----",
    "JSON Web Token": "eyJ" + ALNUM[:20] + ".eyJ" + ALNUM[:20] + "." + ALNUM[:20],
    "password in a connection URL": "mysql" + "://root:" + "Tr0ub4dor3x" + "@db.prod:3306/app",
}


@pytest.mark.parametrize("label", sorted(KEYS))
def test_literal_key_formats_in_any_file(label):
    value = KEYS[label]
    for path, text in (("a.py", f'X = "{value}"\n'), ("a.js", f"const x = '{value}';\n"), ("notes.unknownext", f"{value}\n")):
        got = secrets(path, text)
        assert got and got[0][0] == 1 and label in got[0][1], (path, got)
        assert value not in got[0][1]  # the message redacts the value


@pytest.mark.parametrize(
    "path,text",
    [
        ("a.py", 'DB_PASSWORD = "hunter2hunter2"\n'),
        ("a.py", 'client_secret = "q8Z2x!r7Lm0pV4sT9wYb"\n'),
        ("a.py", 'login(user="svc", password="Tr0ub4dor&3")\n'),
        ("a.py", 'cfg["api_token"] = "8c1f2e3d4b5a69788796a5b4c3d2e1f0"\n'),
        ("a.py", 'if password == "letmein99":\n    pass\n'),
        ("a.js", 'const opts = { apiKey: "Zx9Qw3Er7Ty1Ui5Op2As8Df4Gh6Jk0L" };\n'),
        ("a.yml", "auth:\n  client_secret: 9f8e7d6c5b4a39281716f5e4\n"),
        ("a.ini", "[db]\npassword = S3cretPassw0rd\n"),
        (".env", "STRIPE_SECRET=a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\n"),
        ("main.go", 'package main\n\nconst apiToken = "8c1f2e3d4b5a69788796a5b4c3d2e1f0"\n'),
    ],
)
def test_secret_names_with_literal_values(path, text):
    assert secrets(path, text)


@pytest.mark.parametrize(
    "path,text",
    [
        ("a.py", 'token_type = "Bearer"\n'),
        ("a.py", 'next_token = resp["NextToken"]\n'),
        ("a.py", 'PASSWORD_FIELD = "password"\n'),
        ("a.py", 'TOKEN_URL = "https://auth.example.com/token"\n'),
        ("a.py", 'password = os.environ["DB_PASSWORD"]\n'),
        ("a.py", 'password = getpass("Password: ")\n'),
        ("a.py", 'secret_name = "prod/db/password"\n'),
        ("a.py", 'EXAMPLE = "AKIAIOSFODNN7EXAMPLE"\n'),
        ("a.py", 'api_key = "your-api-key-here"\n'),
        ("a.py", 'auth_token = "auth_token"\n'),
        ("a.js", "const password = process.env.DB_PASSWORD;\n"),
        ("a.yml", "password: ${DB_PASSWORD}\ntoken_url: https://x.example/token\n"),
        (".env", "API_KEY=\nSECRET=changeme\n"),
    ],
)
def test_look_alikes_are_quiet(path, text):
    assert secrets(path, text) == []
