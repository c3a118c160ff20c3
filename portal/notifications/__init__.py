"""Notifications: an outbox written with each change, delivered by a job.

* :mod:`.recipients` says what is sent and to whom, as SQL;
* :mod:`.queue` inserts outbox rows set-based, in the caller's transaction;
* :mod:`.hooks` queues an action's notices in the flush that writes its event;
  the review job (:mod:`portal.jobs.review`) queues at-risk and breach notices;
* :mod:`.render` writes a message from its templates, in the recipient's language;
* :mod:`.backends` sends it: SMTP, or ``.eml`` files in a folder;
* :mod:`.deliver` is the job: claim, send, mark, retry with backoff.

docs/notifications.md describes it for people who run or extend it.
"""

from __future__ import annotations

from flask import Flask

from portal.notifications import hooks
from portal.notifications.backends import check_config


def init_app(app: Flask) -> None:
    check_config(app.config)
    hooks.install()
