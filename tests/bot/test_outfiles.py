"""What staff may send back to a user (bot/handoff/outfiles.py): the type is read from the content,
the name is made safe, the size is capped, and every refusal says why in both languages."""

from __future__ import annotations

import pytest

from bot.handoff.outfiles import FileRefused, check_file, file_payload_text

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "mime", "kind"),
    [
        ("图.JPG", b"\xff\xd8\xff\xe1rest", "image/jpeg", "image"),
        ("a.gif", b"GIF89a....", "image/gif", "image"),
        ("清单.xlsx", b"PK\x03\x04....", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "file"),
        ("说明.txt", "续展材料：注册证".encode(), "text/plain", "file"),
    ],
)  # fmt: skip
def test_allowed_files_keep_their_real_type(
    name: str, content: bytes, mime: str, kind: str
) -> None:
    checked = check_file(name, content, MB)
    assert (checked.filename, checked.mime, checked.kind) == (name, mime, kind)


def test_a_path_in_the_name_is_dropped() -> None:
    assert check_file("..\\..\\etc/证书.pdf", b"%PDF-1.4", MB).filename == "证书.pdf"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.pdf", b"", "The file is empty"),
        ("big.pdf", b"%PDF-" + b"0" * MB, "at most 1 MB"),
        ("run.exe", b"MZ", "cannot be sent"),
        ("photo.svg", b"<svg onload=alert(1)>", "cannot be sent"),  # never served as a page
        ("invoice.pdf", b"MZ\x90\x00", "not a .pdf file"),
        ("notes.txt", b"\xff\xfe\x00h\x00i", "UTF-8"),
    ],
)
def test_refusals_say_why_in_both_languages(name: str, content: bytes, reason: str) -> None:
    with pytest.raises(FileRefused) as refused:
        check_file(name, content, MB)
    assert reason in str(refused.value) and " / " in str(refused.value)


def test_the_line_staff_see_marks_images() -> None:
    assert file_payload_text("a.png", 2048, "image") == "🖼 a.png · 2 KB"
    assert file_payload_text("a.pdf", 3 * MB, "file") == "📎 a.pdf · 3.0 MB"
