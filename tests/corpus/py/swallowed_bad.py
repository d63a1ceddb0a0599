from contextlib import suppress


def load(path):
    try:
        return read(path)
    except:  # expect: swallowed-exception
        pass


def sync(items):
    for item in items:
        try:
            push(item)
        except Exception:  # expect: swallowed-exception
            continue


def parse(s):
    try:
        return int(s)
    except BaseException:  # expect: swallowed-exception
        return None


def cleanup(path):
    with suppress(Exception):  # expect: swallowed-exception
        remove(path)
