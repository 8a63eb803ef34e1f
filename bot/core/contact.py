"""Contact details in a user's message: a phone number (mainland China mobiles as 11 digits,
other countries' numbers in E.164 via `phonenumbers`, Google's libphonenumber) or an e-mail
address. Telegram users are mostly outside mainland China: "+44 20 7946 0958" is a contact too."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from email_validator import EmailNotValidError, validate_email

__all__ = (
    "Contact",
    "find_company",
    "find_contact",
    "normalize_email",
    "normalize_phone",
    "valid_email",
    "valid_mobile",
)

# 11 digits starting with 1, optionally +86, optionally grouped 3-4-4 with spaces or dashes.
_PHONE_RE = re.compile(r"(?<![\d.])(?:\+?86[-\s]?)?(1\d{2}[-\s]?\d{4}[-\s]?\d{4})(?![\d.])")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# A mainland landline with its area code ("0755-26610388", "010 6208 3114"): staff can call it.
_LANDLINE_RE = re.compile(r"(?<![\d.+])0\d{2,3}[-\s]?\d{3,4}[-\s]?\d{4}(?![\d.])")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}")
# "公司：X" / "company: X" / "公司名称是X" ("我们公司是做奶茶的" is not a name).
_COMPANY_PREFIX_RE = re.compile(
    r"(?:(?:公司名称|公司名|企业名称|公司|企业|单位|company name|company)\s*[:：]"
    r"|(?:公司名称|公司名|企业名称)\s*(?:是|为|叫)|公司叫|company name is)\s*"
    r"(?P<name>[^\n,，。;；]{2,100})",
    re.IGNORECASE,
)
_COMPANY_SUFFIX_RE = re.compile(
    r"(?P<name>[\u4e00-\u9fffA-Za-z0-9（）()·]{2,60}(?:有限责任公司|股份有限公司|有限公司|集团))"
)

_SELF_RE = re.compile(r"^(?:我们|我司|本公司|我)(?:是|叫)?")


@dataclass(frozen=True)
class Contact:
    """A contact found in a message; `raw` as typed, `value` normalised, `masked` for display."""

    kind: str  # phone | email
    raw: str
    value: str
    masked: str
    valid: bool

    def as_dict(self) -> dict[str, str]:
        """The fields kept while the user is asked for consent."""
        data = asdict(self)
        return {k: str(v) for k, v in data.items() if k != "valid"}


def valid_mobile(value: str) -> bool:
    """A mainland China mobile number (11 digits, 13x-19x), with or without +86."""
    digits = re.sub(r"[-\s]", "", value).removeprefix("+").removeprefix("86")
    return bool(_MOBILE_RE.match(digits)) if len(digits) == 11 else False


def valid_email(value: str) -> bool:
    """A plausible e-mail address (one @, a dotted domain)."""
    return bool(_EMAIL_RE.fullmatch(value.strip()))


def normalize_email(text: str) -> str | None:
    """An e-mail address as stored (domain lower-cased, internationalised names allowed), or
    None when it is not one. Syntax only: no DNS look-up from a user's turn."""
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    email = str(checked.normalized)
    return email if len(email) <= 254 else None


def normalize_phone(text: str, region: str = "CN") -> str | None:
    """A phone number as stored: a mainland mobile as its 11 digits, any other valid number
    in E.164 ("+447911123456"); None when it is not a valid number.

    Without a leading + (or 00) the number is read as one of `region`'s.
    """
    cleaned = text.strip()
    if not cleaned.startswith(("+", "00")) or cleaned.startswith(("+86", "0086")):
        cleaned = cleaned.removeprefix("0086")
    if valid_mobile(cleaned) and not (cleaned.startswith("+") and not cleaned.startswith("+86")):
        return re.sub(r"[-\s]", "", cleaned).removeprefix("+").removeprefix("86")[-11:]
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    import phonenumbers  # here: 58 modules, about 1 MiB, that most workers' messages never need

    try:
        number = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _international(text: str) -> Contact | None:
    # Numbers written with a country code (+44 ...), anywhere in the text.
    import phonenumbers  # see normalize_phone

    for match in phonenumbers.PhoneNumberMatcher(text, "CN"):
        if match.raw_string.lstrip().startswith("+") and phonenumbers.is_valid_number(match.number):
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            return Contact("phone", match.raw_string, e164, f"{e164[:4]}****{e164[-4:]}", True)
    return None


def find_contact(text: str) -> Contact | None:
    """The first e-mail address or phone-looking number in `text`, validated (a mobile, a
    number with its country code, or a mainland landline with its area code)."""
    email = _EMAIL_RE.search(text)
    if email:
        value = email.group(0)
        local, domain = value.split("@", 1)
        return Contact("email", value, value.lower(), f"{local[:1]}***@{domain}", True)
    if "+" in text:
        international = _international(text)
        if international is not None and not international.value.startswith("+86"):
            return international
    phone = _PHONE_RE.search(text)
    if phone:
        digits = re.sub(r"[-\s]", "", phone.group(1))
        masked = f"{digits[:3]}****{digits[-4:]}"
        return Contact("phone", phone.group(0), digits, masked, bool(_MOBILE_RE.match(digits)))
    landline = _LANDLINE_RE.search(text)
    if landline and (e164 := normalize_phone(landline.group(0))) is not None:
        digits = re.sub(r"[-\s]", "", landline.group(0))
        area = digits[:3] if digits[1] in "12" else digits[:4]  # 010, 021-029: three digits
        return Contact("phone", landline.group(0), e164, f"{area}****{digits[-4:]}", True)
    return None


def find_company(text: str) -> str | None:
    """A company name the user gave ('公司：某某有限公司', '...有限公司', 'company: ...')."""
    match = _COMPANY_PREFIX_RE.search(text) or _COMPANY_SUFFIX_RE.search(text)
    if match is None:
        return None
    return _SELF_RE.sub("", match.group("name").strip())[:200] or None
