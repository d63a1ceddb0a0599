import requests
from sqlalchemy import create_engine


def fetch(url, cache):
    r = requests.get(url, timeout=30)  # expect: round-number-timeout
    engine = create_engine("postgresql://db/app", pool_size=20)  # expect: round-number-timeout
    cache.set(url, r.text, ttl=3600)  # expect: round-number-timeout
    adapter = requests.adapters.HTTPAdapter(max_retries=3)  # expect: round-number-timeout
    return engine, adapter
