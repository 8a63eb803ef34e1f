"""Personal data in free text: mainland mobile numbers, e-mail addresses, ID card numbers.

Used wherever users' words are shown to staff or could become public text (the unanswered
queue, FAQ alternates), and by the erasure to decide whether a logged question may be kept.
"""

from __future__ import annotations

import re

__all__ = ("find_pii", "has_pii", "mask_pii")

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
# 18-character resident ID (last character may be X); checked before phones (it contains 11 digits).
_ID_RE = re.compile(r"(?<![\dA-Za-z])\d{6}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![\dA-Za-z])")
# A mobile number, optionally +86, optionally grouped 3-4-4 with spaces or dashes.
_PHONE_RE = re.compile(r"(?<![\d.])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?![\d.])")
# A landline with area code (010-12345678, 0755 1234 5678).
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}[-\s]?\d{7,8}(?!\d)")
# What mask_pii leaves behind: refused as FAQ text too (it is noise, and it came from a person).
_MASKED_RE = re.compile(r"\d{3}\*{4}\d{4}|\*{3}@|\[(?:ID|身份证)\]")


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))[-11:]
    return f"{digits[:3]}****{digits[-4:]}"


def _mask_email(match: re.Match[str]) -> str:
    local, domain = match.group(0).split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_pii(text: str) -> str:
    """`text` with e-mail addresses, ID numbers and phone numbers masked (138****5678)."""
    text = _EMAIL_RE.sub(_mask_email, text)
    text = _ID_RE.sub("[ID]", text)
    text = _PHONE_RE.sub(_mask_phone, text)
    return _LANDLINE_RE.sub(_mask_phone, text)


def has_pii(text: str) -> bool:
    """Whether `text` holds a phone number, e-mail address or ID number, or a masked one."""
    return mask_pii(text) != text or bool(_MASKED_RE.search(text))


def find_pii(text: str) -> list[str]:
    """Every phone number (as digits), e-mail address and ID number in `text`."""
    found = [m.group(0) for m in _EMAIL_RE.finditer(text)]
    found += [m.group(0) for m in _ID_RE.finditer(text)]
    without_ids = _ID_RE.sub(" ", _EMAIL_RE.sub(" ", text))
    for regex in (_PHONE_RE, _LANDLINE_RE):
        found += [re.sub(r"\D", "", m.group(0))[-11:] for m in regex.finditer(without_ids)]
    return found
