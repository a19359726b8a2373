"""One parse per URL: a probe asks the same few URLs for their scheme, host and port many times over.

``urlsplit`` caches only its last 128 answers, which a few hundred probes in flight wash out, and its
``hostname``/``port`` properties parse again on every access; this keeps the parts of recent URLs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class UrlParts(NamedTuple):
    scheme: str  # lower case
    host: str  # lower case, "" when there is none
    port: int | None  # as written; None when absent or unreadable
    netloc: str

    @property
    def origin(self) -> str:
        """``scheme://netloc`` with no path, as written (the port kept)."""
        return f"{self.scheme}://{self.netloc}"

    @property
    def asset(self) -> str:
        """The host, with the port only when it is not the scheme's default: the asset part of keys."""
        if self.port is not None and self.port != DEFAULT_PORTS.get(self.scheme):
            return f"{self.host}:{self.port}"
        return self.host


@lru_cache(maxsize=8192)
def split_url(url: str) -> UrlParts:
    """The parts of ``url``; never raises (a malformed URL gives empty parts)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return UrlParts("", "", None, "")
    try:
        port = parts.port
    except ValueError:
        port = None
    return UrlParts(parts.scheme.lower(), (parts.hostname or "").lower(), port, parts.netloc)


def host_of(url: str) -> str:
    return split_url(url).host
