"""Where messages go: an SMTP server, or .eml files in a folder (the default).

A backend is opened once per delivery run. :class:`Unavailable` means the transport
itself is down (no connection): the run stops there instead of trying every due
message against a dead server; any other exception concerns one message.
"""

from __future__ import annotations

import os
import smtplib
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

BACKENDS = ("file", "smtp")
SMTP_SECURITY = ("none", "starttls", "ssl")


# Errors about one message, as opposed to the connection.
_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPResponseException,
    smtplib.SMTPNotSupportedError,
)


class Unavailable(Exception):
    """The transport cannot send anything right now."""


class Backend(Protocol):
    def send(self, mail: EmailMessage) -> None: ...


class FileBackend:
    """One ``.eml`` file per message, named after its Message-ID, so a message sent
    again overwrites its file instead of adding a second one."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, mail: EmailMessage) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unavailable(f"cannot create {self.folder}: {exc}") from exc
        name = str(mail["Message-ID"]).strip("<>").partition("@")[0]
        # Written aside and renamed, so a reader never sees half a message.
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(mail.as_bytes())
        os.replace(temporary, self.folder / f"{name}.eml")


class SmtpBackend:
    """One SMTP connection for the whole run, opened at the first message."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        host, port, timeout = c["SMTP_HOST"], int(c["SMTP_PORT"]), float(c["SMTP_TIMEOUT"])
        try:
            smtp = (
                smtplib.SMTP_SSL(host, port, timeout=timeout)
                if c["SMTP_SECURITY"] == "ssl"
                else smtplib.SMTP(host, port, timeout=timeout)
            )
            if c["SMTP_SECURITY"] == "starttls":
                smtp.starttls()
            if c["SMTP_USERNAME"]:
                smtp.login(c["SMTP_USERNAME"], c["SMTP_PASSWORD"] or "")
        except OSError as exc:  # smtplib's own errors are OSErrors too
            raise Unavailable(f"SMTP {host}:{port}: {exc!r}") from exc
        return smtp

    def send(self, mail: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(mail)
        except _REFUSED:
            raise  # the server answered about this message; the next one may pass
        except OSError as exc:
            self._smtp = None
            raise Unavailable(f"SMTP connection lost: {exc!r}") from exc

    def close(self) -> None:
        if self._smtp is not None:
            # The messages are sent; a rude goodbye changes nothing.
            with suppress(OSError):
                self._smtp.quit()
            self._smtp = None


def check_config(config: Mapping[str, Any]) -> None:
    """Refuse a mistyped setting at start-up rather than at the first message."""
    if config["MAIL_BACKEND"] not in BACKENDS:
        raise ValueError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}")
    if config["SMTP_SECURITY"] not in SMTP_SECURITY:
        raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}")


@contextmanager
def open_backend(config: Mapping[str, Any], instance_path: str) -> Iterator[Backend]:
    if config["MAIL_BACKEND"] == "file":
        yield FileBackend(Path(config["OUTBOX_DIR"] or Path(instance_path) / "outbox"))
        return
    smtp = SmtpBackend(config)
    try:
        yield smtp
    finally:
        smtp.close()
