# A maintainer's update script under __main__, and a cursor handed in by the caller.
from urllib.request import urlopen


def drain(result, dbapi_cursor):
    rows = dbapi_cursor.fetchall()
    result.close()
    return rows


if __name__ == "__main__":
    def update_myself():
        content = urlopen("https://example.org/keywords.txt").read().decode()
        return content.split()

    print(update_myself())
