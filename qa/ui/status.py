"""What the background index update is doing, for the page to show."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from qa.ui.render import esc


@dataclass
class StartupStatus:
    """What the background index update is doing, for the page to show."""

    fraction: float = 0.0
    message: str = "starting"
    done: bool = False
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, fraction: float, message: str) -> None:
        with self._lock:
            self.fraction, self.message = fraction, message

    generation: int = 0  # updates finished so far: a page refreshes its document lists when it grows

    def begin(self, message: str) -> None:
        """Another update (files changed in the corpus folder) is under way."""
        with self._lock:
            self.fraction, self.message, self.done, self.error = 0.0, message, False, None

    def finish(self, message: str, error: str | None = None) -> None:
        with self._lock:
            self.fraction, self.message, self.done, self.error = 1.0, message, True, error
            self.generation += 1

    def markdown(self) -> str:
        with self._lock:
            if self.error:
                return f"**Problem:** {esc(self.error)}"
            if self.done:
                return f"**Ready:** {esc(self.message)}"
            return f"**Updating the index:** {esc(self.message)} ({self.fraction:.0%})"

