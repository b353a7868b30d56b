"""Attachments: size, type and content checks, cleaned names, random stored names, and who sees
internal files."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from opsbook.tickets import access, services
from opsbook.tickets.attachments import check_upload, clean_name
from opsbook.tickets.models import Attachment, Comment
from opsbook.tickets.tests.factories import give_service, make_calendar, make_service, make_ticket

TZ = ZoneInfo("Asia/Shanghai")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
pytestmark = pytest.mark.django_db


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def ticket(personas):
    make_calendar()
    item = make_service(personas.alice)
    give_service(personas.customer_a, item)
    return make_ticket(
        personas.alice,
        item,
        customer=personas.customer_a,
        now=datetime(2026, 11, 23, 9, tzinfo=TZ),
    )


# --- checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("截图.png", PNG),
        ("报告.PDF", PDF),
        ("日志.txt", "错误：连接超时\n".encode()),
        ("gbk.txt", "错误：连接超时\n".encode("gb18030")),
        ("数据.csv", b"a,b\n1,2\n"),
        ("表格.xlsx", b"PK\x03\x04" + b"\x00" * 30),
    ],
)
def test_allowed_files_whose_content_matches_their_name_are_accepted(name, content):
    checked = check_upload(upload(name, content))

    assert checked.name == name and checked.size == len(content)


def test_a_file_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 100

    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload("big.txt", b"x" * 101))

    assert excinfo.value.code == "too_large"
    assert check_upload(upload("ok.txt", b"x" * 100)).size == 100


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload("empty.txt", b""))

    assert excinfo.value.code == "empty"


@pytest.mark.parametrize(
    "name", ["page.html", "logo.svg", "setup.exe", "run.sh", "macro.docm", "noextension"]
)
def test_active_or_unknown_types_are_refused_whatever_they_contain(name):
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload(name, b"hello"))

    assert excinfo.value.code == "type"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"<script>alert(1)</script>"),
        ("doc.pdf", PNG),
        ("notes.txt", b"<!DOCTYPE html><html><script>alert(1)</script>"),
        ("notes.txt", b"  <svg onload=alert(1)>"),
        ("binary.txt", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("fake.webp", b"RIFF\x00\x00\x00\x00WAVEfmt "),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(name, content):
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload(name, content))

    assert excinfo.value.code == "mismatch"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ("/absolute/path/报告.pdf", "报告.pdf"),
        ("a\x00b\nc\r\t.txt", "abc.txt"),
        ("\u202egnp.txt", "gnp.txt"),  # a right-to-left override cannot disguise the type
        ("...", "file"),
        ("", "file"),
        (" .hidden.txt ", "hidden.txt"),
    ],
)
def test_names_are_cleaned_of_paths_and_control_characters(raw, clean):
    assert clean_name(raw) == clean


def test_a_very_long_name_keeps_its_extension():
    name = clean_name("长" * 300 + ".pdf")

    assert len(name) == 200 and name.endswith(".pdf")


# --- storage -----------------------------------------------------------------------------------


def test_files_are_stored_under_random_names(personas, ticket, media):
    stored = services.do_add_attachments(
        personas.alice, ticket, [upload("../../../etc/cron.d/evil.txt", b"* * * * * rm -rf /\n")]
    )

    attachment = stored[0]
    assert attachment.name == "evil.txt"
    stored_name = attachment.file.name
    assert stored_name is not None
    assert re.fullmatch(r"attachments/[0-9a-f]{2}/[0-9a-f]{32}\.txt", stored_name)
    assert stored_name.split("/")[2].startswith(attachment.pk.hex)
    on_disk = list(media.rglob("*.txt"))
    assert on_disk == [media / attachment.file.name]
    assert "evil" not in str(on_disk[0])
    assert attachment.sha256 and attachment.size == 19


def test_a_bad_file_in_a_reply_writes_nothing(personas, ticket, media):
    files = [upload("ok.txt", b"fine\n"), upload("bad.png", b"not a png")]

    with pytest.raises(ValidationError):
        services.do_reply(personas.alice, ticket, "附件", files=files)

    assert not Comment.objects.exists() and not Attachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_bad_file_refuses_a_new_ticket_before_it_is_written(personas, ticket, media):
    with pytest.raises(ValidationError):
        make_ticket(personas.alice, ticket.item, files=[upload("x.exe", b"MZ")])

    assert not Attachment.objects.exists()


def test_internal_files_are_hidden_from_the_customer(personas, ticket):
    services.do_add_attachments(
        personas.alice, ticket, [upload("内部.txt", b"internal\n")], public=False
    )
    services.do_add_note(personas.alice, ticket, "内部备注", files=[upload("n.txt", b"note\n")])
    services.do_add_attachments(
        personas.dana, ticket, [upload("客户.txt", b"mine\n")], public=False
    )

    seen_by_dana = sorted(a.name for a in access.visible_attachments(personas.dana, ticket))
    seen_by_alice = sorted(a.name for a in access.visible_attachments(personas.alice, ticket))
    assert seen_by_dana == ["客户.txt"]  # a customer's file is always public
    assert seen_by_alice == ["n.txt", "内部.txt", "客户.txt"]


def test_only_people_on_the_ticket_add_files(personas, ticket):
    for outsider in (personas.carl, personas.charlie, personas.vera):
        with pytest.raises(PermissionDenied):
            services.do_add_attachments(outsider, ticket, [upload("x.txt", b"x\n")])
    assert not Attachment.objects.exists()
