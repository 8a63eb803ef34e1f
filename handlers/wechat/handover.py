"""Who sends a WeChat answer, decided in memory so the 4-second budget holds whatever the
database does.

The request that received the message and the thread that runs the turn share one `Handover`.
The run takes the passive reply (`take_passive`) just before it stores the answer; the request,
at its budget, closes the handover (`close`) and answers `success` without touching the
database. Whichever comes first wins: a run that finds the handover closed sends its answer
through the outbox (the customer-service API), so the answer goes out exactly once, and a
delivery is marked `replied` only when the request really returns the reply.
"""

from __future__ import annotations

import threading

__all__ = ("Handover",)


class Handover:
    """open -> passive (the request returns `text`) | closed (`success`; the outbox delivers)
    | failed (the run failed while the request waited: it answers 503 and WeChat retries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.state = "open"
        self.text: str | None = None

    def take_passive(self, text: str | None) -> bool:
        """The run's side: True when the request will return `text`; False when it is gone."""
        with self._lock:
            if self.state == "closed":
                return False
            self.state, self.text = "passive", text
            return True

    def close(self) -> tuple[bool, str | None]:
        """The request's side at its budget: (True, text) when the run already took the passive
        reply (return it now, its commit follows), else (False, None): answer `success`."""
        with self._lock:
            if self.state == "passive":
                return True, self.text
            self.state = "closed"
            return False, None

    def fail(self) -> bool:
        """The run failed for good: True when the request is still waiting (and will answer an
        error, so WeChat retries); False when it already answered."""
        with self._lock:
            if self.state == "open":
                self.state = "failed"
                return True
            return self.state == "failed"
