"""Leadership among scheduler processes: only the holder of the lock runs jobs.

PostgreSQL: a session-level advisory lock held on a dedicated connection; if the
leader dies its connection closes, the lock is released and a standby takes over.
SQLite (one host): an exclusive file lock beside the database does the same.
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

# An arbitrary constant naming "the Tousu scheduler" among advisory locks.
ADVISORY_LOCK_KEY = 0x70757375


class Leadership:
    def __init__(self, engine: Engine, lock_dir: Path) -> None:
        self.engine = engine
        self.lock_dir = lock_dir
        self._conn: Any = None
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
            if got.scalar():
                self._conn = conn
                return True
            conn.close()
            return False
        handle = (self.lock_dir / "scheduler.lock").open("w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        """For the heartbeat: False once the lock's connection is gone."""
        if self._file is not None:
            return True
        try:
            self._conn.execute(text("SELECT 1"))
        except Exception:
            log.exception("lost the scheduler lock connection")
            return False
        return True

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.close()
            self._file = None
