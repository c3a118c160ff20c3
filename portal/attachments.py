"""Attachments: checking uploads, keeping their bytes on disk, and serving them.

The bytes live under ``ATTACHMENT_DIR`` (default ``instance/attachments``) as
``<tenant id>/<random name>``; the uploader's file name is kept in the database for
display only, so no input ever chooses a path. A file's type is sniffed from its first
bytes and must be one of ``ATTACHMENT_TYPES``: the name and the type the browser claims
are not trusted. Every upload of a request is checked before anything is written, and
files are written before the rows are committed (and removed if the commit fails), so a
refused upload leaves neither a row nor a file.

Views decide who may fetch an attachment (the ticket's own checks); :func:`send`
only streams it.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import filetype
from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal.database import DbSession
from portal.models import Attachment, Event, Ticket
from portal.validation import InvalidInput

#: How much of a file the type sniffing reads.
HEAD_BYTES = 8192
#: Shown in the browser; every other type is offered as a download.
INLINE_PREFIXES = ("image/", "audio/")
FORM_FIELD = "files"


@dataclass(frozen=True)
class Upload:
    file: FileStorage
    filename: str
    content_type: str
    size: int


def root() -> Path:
    configured = current_app.config.get("ATTACHMENT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "attachments"


def check(files: Iterable[FileStorage]) -> list[Upload]:
    """The files a form sent, checked; InvalidInput ``{"files": message}`` for the
    first one refused. Empty file inputs (nothing chosen) are skipped."""
    config = current_app.config
    chosen = [f for f in files if f.filename]
    if len(chosen) > config["ATTACHMENT_MAX_FILES"]:
        raise _refuse(_("Attach at most %(n)d files.", n=config["ATTACHMENT_MAX_FILES"]))
    limit, types = config["ATTACHMENT_MAX_BYTES"], config["ATTACHMENT_TYPES"]
    return [_check_one(f, limit, types) for f in chosen]


def _check_one(file: FileStorage, max_bytes: int, types: list[str]) -> Upload:
    name = clean_filename(file.filename or "")
    stream = file.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise _refuse(_("The file %(name)s is empty.", name=name))
    if size > max_bytes:
        raise _refuse(
            _(
                "The file %(name)s is larger than %(limit)s.",
                name=name,
                limit=human_size(max_bytes),
            )
        )
    kind = filetype.guess(stream.read(HEAD_BYTES))
    stream.seek(0)
    if kind is None or kind.mime not in types:
        raise _refuse(
            _(
                "The file %(name)s is not of an accepted type. Accepted: photos (JPEG, PNG, "
                "WebP, HEIC), letters as PDF, and recordings (MP3, M4A, WAV, AMR).",
                name=name,
            )
        )
    return Upload(file, name, kind.mime, size)


def _refuse(message: str) -> InvalidInput:
    return InvalidInput({FORM_FIELD: message})


def clean_filename(raw: str) -> str:
    """The last part of an uploaded name, without control characters, for display."""
    name = PurePosixPath(raw.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[-200:] or "attachment"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.3g} KB"
    return f"{size / 1024 / 1024:.3g} MB"


@contextmanager
def storing(
    session: DbSession,
    ticket: Ticket,
    uploads: list[Upload],
    *,
    event: Event | None,
    public: bool,
    uploaded_by_id: int | None,
) -> Iterator[list[Attachment]]:
    """Write ``uploads`` as attachments of ``ticket`` (and ``event``); the block commits.

    The files are removed again if the block raises, so a failed commit leaves none.
    """
    written: list[Path] = []
    rows: list[Attachment] = []
    try:
        for upload in uploads:
            key = f"{ticket.tenant_id}/{secrets.token_hex(16)}"
            path = root() / key
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as out:
                written.append(path)
                upload.file.save(out)
            rows.append(
                Attachment(
                    ticket_id=ticket.id,
                    event_id=event.id if event is not None else None,
                    public=public,
                    filename=upload.filename,
                    content_type=upload.content_type,
                    size=upload.size,
                    storage_key=key,
                    uploaded_by_id=uploaded_by_id,
                )
            )
        session.add_all(rows)
        yield rows
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def send(attachment: Attachment) -> Response:
    """The attachment's bytes; the caller has checked who may have them."""
    path = root() / attachment.storage_key
    if not path.is_file():
        current_app.logger.error("attachment %s: %s is missing", attachment.id, path)
        abort(404)
    inline = attachment.content_type.startswith(INLINE_PREFIXES)
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=not inline,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # Whatever a browser makes of the file, it runs no script with the portal's origin.
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


def by_event(attachments: Iterable[Attachment]) -> dict[int | None, list[Attachment]]:
    """Attachments grouped by the timeline event they came with (None: the ticket's)."""
    grouped: dict[int | None, list[Attachment]] = {}
    for attachment in attachments:
        grouped.setdefault(attachment.event_id, []).append(attachment)
    return grouped
