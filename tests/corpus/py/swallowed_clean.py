import logging

log = logging.getLogger(__name__)


def parse(s):
    try:
        return int(s)
    except ValueError:
        return None


def load(path):
    try:
        return read(path)
    except ValueError as e:
        log.error(e)
        raise


def sync(items):
    for item in items:
        try:
            push(item)
        except Exception:
            log.exception("push failed for %s", item)
            continue
