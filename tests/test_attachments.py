"""Attachments: uploads from the desk (with a note or a reply) and from the customer
form, their limits, where the bytes go, and who may fetch them, through HTTP."""

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Attachment, Ticket
from tests.conftest import csrf_token, make_tenant
from tests.test_customer_pages import PHONE, complaint, look_up
from tests.test_ticket_page import EN, new_ticket, signed_in, status_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
LINK = re.compile(r'href="([^"]+/attachments/(\d+))"')


@pytest.fixture
def folder(app, tmp_path):
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "files")
    return tmp_path / "files"


@pytest.fixture
def acme(app, folder):
    return make_tenant("acme", locale="en")


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def row_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def upload(client, number, action, files, **data):
    token = csrf_token(client, f"/desk/tickets/{number}")
    version = re.search(
        r'name="version" value="(\d+)"',
        client.get(f"/desk/tickets/{number}").get_data(as_text=True),
    ).group(1)
    form = {"csrf_token": token, "version": version, **data}
    form["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(
        f"/desk/tickets/{number}/actions/{action}",
        data=form,
        headers=EN,
        content_type="multipart/form-data",
    )


def accepted(app, tenant, **fields):
    number = new_ticket(tenant, **fields)
    client = signed_in(app, tenant)
    assert upload(client, number, "accept", []).status_code == 303
    return number, client


def test_a_note_with_a_photo_stores_the_file_under_a_random_name(app, acme, folder):
    number, client = accepted(app, acme)
    response = upload(client, number, "note", [("../../etc/收据.png", PNG)], text="Receipt")
    assert response.status_code == 303
    attachment = db.session.scalar(select(Attachment))
    assert attachment.filename == "收据.png"
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert attachment.public is False
    [path] = stored_files(folder)
    assert path.read_bytes() == PNG
    assert path.parent.name == str(acme.id) and "收据" not in path.name
    assert path.name == attachment.storage_key.rsplit("/", 1)[1]

    page = client.get(f"/desk/tickets/{number}", headers=EN).get_data(as_text=True)
    assert "收据.png" in page
    href, _ = LINK.search(page).groups()
    served = client.get(href)
    assert served.status_code == 200 and served.data == PNG
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_a_reply_with_a_letter_is_shown_to_the_customer_but_a_note_is_not(app, acme):
    number, client = accepted(app, acme)
    upload(client, number, "note", [("internal.png", PNG)], text="For us only")
    upload(client, number, "reply", [("answer.pdf", PDF)], message="Our letter")
    letter = db.session.scalar(select(Attachment).where(Attachment.filename == "answer.pdf"))
    note = db.session.scalar(select(Attachment).where(Attachment.filename == "internal.png"))
    assert letter.public and letter.event_id is not None and not note.public

    customer = app.test_client()
    page = look_up(customer, "acme", number, "13812345678").get_data(as_text=True)
    assert "answer.pdf" in page and "internal.png" not in page
    served = customer.get(f"/t/acme/track/attachments/{letter.id}")
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert customer.get(f"/t/acme/track/attachments/{note.id}").status_code == 404


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(app, acme, folder):
    app.config["ATTACHMENT_MAX_BYTES"] = 100
    number, client = accepted(app, acme)
    response = upload(client, number, "reply", [("big.png", PNG)], message="See attached")
    assert response.status_code == 422
    assert "The file big.png is larger than 100 B." in response.get_data(as_text=True)
    assert row_count() == 0 and stored_files(folder) == []
    assert status_of(number) == "accepted"  # the reply was not sent either


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.png", b"just text, named like a photo"), ("setup.pdf", b"MZ\x90\x00" + b"\0" * 64)],
)
def test_a_file_of_a_wrong_type_is_refused_whatever_its_name(app, acme, folder, name, content):
    number, client = accepted(app, acme)
    response = upload(client, number, "note", [(name, content)], text="Look")
    assert response.status_code == 422
    assert f"The file {name} is not of an accepted type." in response.get_data(as_text=True)
    assert row_count() == 0 and stored_files(folder) == []


def test_too_many_files_or_files_on_another_action_are_refused(app, acme, folder):
    app.config["ATTACHMENT_MAX_FILES"] = 1
    number, client = accepted(app, acme)
    two = [("a.png", PNG), ("b.png", PNG)]
    response = upload(client, number, "note", two, text="Two")
    assert response.status_code == 422
    assert "Attach at most 1 files." in response.get_data(as_text=True)
    response = upload(client, number, "resolve", [("a.png", PNG)], summary="Done")
    assert response.status_code == 422
    assert "Files go with a note or a reply." in response.get_data(as_text=True)
    assert row_count() == 0 and stored_files(folder) == []
    assert status_of(number) == "accepted"


def test_another_tenants_attachment_is_not_found(app, acme):
    number, client = accepted(app, acme)
    upload(client, number, "reply", [("answer.pdf", PDF)], message="Letter")
    attachment_id = db.session.scalar(select(Attachment.id))
    other = make_tenant("other", locale="en")
    other_number, other_client = accepted(app, other)
    # Neither under the other tenant's own ticket nor under the owner's number.
    assert (
        other_client.get(f"/desk/tickets/{other_number}/attachments/{attachment_id}").status_code
        == 404
    )
    assert (
        other_client.get(f"/desk/tickets/{number}/attachments/{attachment_id}").status_code == 404
    )
    # Nor on the other tenant's customer pages, whatever was looked up there.
    customer = app.test_client()
    look_up(customer, "other", other_number, "13812345678")
    assert customer.get(f"/t/other/track/attachments/{attachment_id}").status_code == 404
    # An id of the same tenant under another of its tickets is not found either.
    second = new_ticket(acme, subject="Another")
    assert client.get(f"/desk/tickets/{second}/attachments/{attachment_id}").status_code == 404


def test_a_customer_needs_the_right_number_and_phone(app, acme):
    number, client = accepted(app, acme)
    upload(client, number, "reply", [("answer.pdf", PDF)], message="Letter")
    attachment_id = db.session.scalar(select(Attachment.id))
    path = f"/t/acme/track/attachments/{attachment_id}"
    customer = app.test_client()
    assert customer.get(path).status_code == 404
    assert look_up(customer, "acme", number, "13900000000").status_code == 404
    assert customer.get(path).status_code == 404
    assert look_up(customer, "acme", number, "138-1234-5678").status_code == 200
    assert customer.get(path).status_code == 200


def submit_with(client, files, **changes):
    token = csrf_token(client, "/t/acme/")
    form = {"csrf_token": token, **complaint(**changes)}
    form["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/t/acme/", data=form, headers=EN, content_type="multipart/form-data")


def test_a_customer_attaches_a_photo_to_a_complaint_and_sees_it_when_tracking(app, acme):
    client = app.test_client()
    response = submit_with(client, [("meter.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64)])
    assert response.status_code == 303
    attachment = db.session.scalar(select(Attachment))
    assert attachment.public and attachment.content_type == "image/jpeg"
    number = db.session.scalar(select(Ticket.number).where(Ticket.id == attachment.ticket_id))
    page = look_up(client, "acme", number, PHONE).get_data(as_text=True)
    assert "Your files" in page and "meter.jpg" in page
    staff = signed_in(app, acme)
    desk_page = staff.get(f"/desk/tickets/{number}", headers=EN).get_data(as_text=True)
    assert "meter.jpg" in desk_page


def test_a_wrong_file_on_the_complaint_form_files_nothing(app, acme, folder):
    client = app.test_client()
    response = submit_with(client, [("virus.pdf", b"#!/bin/sh\nrm -rf /\n")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-problem="files"' in page and "not of an accepted type" in page
    assert 'value="Overcharged"' in page  # the rest of the form is kept
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    assert row_count() == 0 and stored_files(folder) == []


def test_a_failed_commit_leaves_no_file(app, acme, folder, monkeypatch):
    number, client = accepted(app, acme)

    def fail() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        upload(client, number, "note", [("a.png", PNG)], text="Lost")
    assert stored_files(folder) == []
