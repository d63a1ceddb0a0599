"""A small HTTP client library, installed in the corpus environment (read, never imported)."""
from . import sessions
from .api import get, post, request
from .models import Response
from .sessions import Session

__all__ = ["get", "post", "request", "Response", "Session"]
