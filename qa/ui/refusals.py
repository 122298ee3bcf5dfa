"""One log line per refused request, rate-limited, so a flood of bad requests cannot flood the log."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("qa.ui.refused")


class RefusalLog:
    """Writes one warning per refused request (who, what was refused and why), at most `burst` lines
    per `period` seconds; the lines left out are counted, and the next line written says how many."""

    def __init__(self, logger: logging.Logger, burst: int = 20, period: float = 60.0) -> None:
        self.logger = logger
        self.burst = burst
        self.period = period
        self._lock = threading.Lock()
        self._window = -period
        self._written = 0
        self._left_out = 0

    def refused(self, client: str, what: str) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._window >= self.period:
                self._window, self._written = now, 0
            if self._written >= self.burst:
                self._left_out += 1
                return
            self._written += 1
            left_out, self._left_out = self._left_out, 0
        more = f" ({left_out:,} more refused since the last line, not logged)" if left_out else ""
        self.logger.warning("refused %s: %s%s", client, what, more)


REFUSED = RefusalLog(log)


def client_of(scope: Mapping[str, Any]) -> str:
    """ "127.0.0.1:50412 POST /v1/ask": who asked what, for a refusal's line."""
    client = scope.get("client")
    who = f"{client[0]}:{client[1]}" if isinstance(client, tuple | list) and len(client) == 2 else "?"
    return f"{who} {scope.get('method', 'GET')} {scope.get('path', '')}"
