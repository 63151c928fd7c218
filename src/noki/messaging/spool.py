"""A crash-safe mail spool (Maildir layout): a received mail is on disk before SMTP says 250.

tmp/ -> (fsync, atomic rename) -> new/ (received, not yet processed) -> cur/ (processed).
A processing failure leaves the file in new/ and the next drain retries it; nothing is lost.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

log = logging.getLogger(__name__)
_SEQ = count()


class Spool:
    """A Maildir-style folder of raw received mails."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for sub in ("tmp", "new", "cur"):
            (root / sub).mkdir(parents=True, exist_ok=True)

    def put(self, raw: bytes) -> Path:
        """Store one mail durably and return its path in new/."""
        name = f"{time.time_ns()}.{os.getpid()}_{next(_SEQ)}.{socket.gethostname()}"
        tmp = self.root / "tmp" / name
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        final = self.root / "new" / name
        os.replace(tmp, final)
        return final

    def pending(self) -> Iterator[Path]:
        """Mails received and not yet processed, oldest first."""
        yield from sorted((self.root / "new").iterdir())

    def done(self, path: Path) -> Path:
        """Mark a mail processed (moved to cur/, kept as the raw record)."""
        target = self.root / "cur" / path.name
        os.replace(path, target)
        return target

    def drain(self, process: Callable[[Path, bytes], None]) -> tuple[int, int]:
        """Process every pending mail; (processed, failed). Failures stay in new/ for a retry."""
        ok = failed = 0
        for path in self.pending():
            try:
                process(path, path.read_bytes())
            except Exception:  # noqa: BLE001 - one bad mail must not stop the others
                log.exception("inbound mail %s failed; kept in new/ for a retry", path.name)
                failed += 1
                continue
            self.done(path)
            ok += 1
        return ok, failed
