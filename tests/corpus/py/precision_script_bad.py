# The same calls in code a service runs.
from urllib.request import urlopen


def keywords():
    return urlopen("https://example.org/keywords.txt").read().decode().split()  # expect: missing-timeout


def drain(conn):
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM events")
    return cursor.fetchall()  # expect: unbounded-materialization


if __name__ == "__main__":
    print(keywords())
