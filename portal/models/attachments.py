"""Files attached to tickets: photos, letters, call recordings.

Only the metadata lives here; the bytes are in the attachment folder
(:mod:`portal.attachments`), under a random name, never the uploader's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow
from portal.tenancy import TenantScoped


class Attachment(TenantScoped, Base):
    """One uploaded file of a ticket, or of one of its timeline events (a reply, a note)."""

    __tablename__ = "attachments"
    __table_args__ = (Index(None, "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # The customer may fetch it on the tracking page: their own uploads, and replies'.
    public: Mapped[bool] = mapped_column(default=False)
    # As the uploader named it, cleaned; shown and offered as the download name only.
    filename: Mapped[str] = mapped_column(String(255))
    # Sniffed from the content, not the one the browser claimed.
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
