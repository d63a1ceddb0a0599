# A third-party module copied into the tree (seen at shop/_vendor/retry/core.py):
# its TODOs and broad handlers are upstream's, not work this change left behind.


def backoff(attempt):
    # TODO: make the base configurable (upstream issue 12)
    return min(2 ** attempt, 60)


def close_quietly(fh):
    try:
        fh.close()
    except Exception:
        pass
