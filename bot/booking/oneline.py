"""The booking's details typed in one line, as people give them to a receptionist:
"宁波海川电器 王女士 13857401122", "Brightway Trading Co., Jason Li, jason.li@example.com",
"王女士 13857401122" at the contact step.

The phone number or e-mail address is found by bot/core/contact.py (the one reader of
contacts) and checked by the booking's own validators; the rest of the line is split into the
company and the contact person at its separators (commas, and spaces between Chinese words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.contact import find_contact, normalize_email, normalize_phone

__all__ = ("Details", "read_details")

# Labels typed before a field ("电话：", "联系人 ", "email:"): dropped, never part of a name.
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s,，、;；]))(?:联系电话|电话号码|手机号码|手机号|手机|电话|邮箱|电子邮箱|联系方式|联系人|姓名|公司名称|企业名称|"
    r"公司名|公司|企业|单位|\b(?:tel|phone|mobile|cell|e-?mail|contact(?: person)?|name|company)\b)"
    r"\s*(?:[:：]|是|为|\b(?:is)\b)?\s*",
    re.IGNORECASE,
)
_SEP_RE = re.compile(r"\s*[,，、;；/|]\s*")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# A company's legal form written after a comma ("Acme Co., Ltd."): part of the name before it.
_FORM_RE = re.compile(r"^(?:ltd|limited|inc|llc|gmbh|corp|co|plc|s\.?a|ag|bv)\.?$", re.I)
# A company, by the words companies end with.
_COMPANY_RE = re.compile(
    r"(?:公司|集团|工厂|厂|店|商行|工作室|中心|事务所|合作社|农场|"
    r"\b(?:co|ltd|limited|inc|llc|gmbh|corp|corporation|company|trading|group|plc)\b\.?)$",
    re.IGNORECASE,
)
# A person, as called at a desk: 王女士, 陈经理, 小周, 老李, 张总, Mr Smith, Ms. Li.
_PERSON_RE = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,3}(?:女士|先生|小姐|经理|总|老师|主任|律师|老板|总监|主管|助理)"
    r"|[小老阿][\u4e00-\u9fff]"
    r"|(?:mr|mrs|ms|miss|dr)\.?\s+\S.*)$",
    re.IGNORECASE,
)
# Fillers around the parts: "ask for Emily", "找王女士", "我是小周".
_FILLER_RE = re.compile(r"^(?:ask for|找|我是|我叫|this is|i am|i'm)\s*", re.IGNORECASE)
# One's own name given at the company step ("我叫王芳，电话138…", "my name is Li Wei"): the
# contact person; the company is still to be asked.
_OWN_NAME_RE = re.compile(r"^\s*(?:我叫|我的名字是|我名字叫|my name is|my name's)\s*", re.I)


@dataclass(frozen=True)
class Details:
    """What one line gave: any of company, contact person, phone or e-mail (normalised)."""

    company: str | None = None
    contact: str | None = None
    phone: str | None = None
    email: str | None = None
    typed: str = ""  # the phone or e-mail as typed, to say back


def _parts(rest: str) -> list[str]:
    rest = rest.strip(" \t,，、;；/|.。")
    if _SEP_RE.search(rest):
        pieces = [p for p in _SEP_RE.split(rest) if p]
    elif _CJK_RE.search(rest):
        pieces = rest.split()  # Chinese names and companies carry no spaces of their own
    else:
        pieces = [rest] if rest else []
    parts: list[str] = []
    for piece in pieces:
        if parts and _FORM_RE.match(piece):
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(_FILLER_RE.sub("", piece).strip(" 。"))
    return [p for p in parts if p]


def read_details(text: str, *, company_wanted: bool) -> Details | None:
    """The details in `text` when it carries more than the one answer the step asks for;
    None when it is a plain single answer (the step takes it as it is).

    `company_wanted`: the company step (company, then the contact); else the contact step.
    """
    own = _OWN_NAME_RE.match(text) if company_wanted else None
    if own is not None:
        text = text[own.end() :]
    found = find_contact(text)
    phone = email = None
    rest, typed = text, ""
    if found is not None and found.valid:
        if found.kind == "email":
            email = normalize_email(found.raw)
        else:
            phone = normalize_phone(found.raw)
        if phone or email:
            rest, typed = text.replace(found.raw, " "), found.raw.strip()
    rest = _LABEL_RE.sub(" ", rest)
    parts = _parts(rest)
    contact_given = phone is not None or email is not None
    if own is not None and len(parts) == 1:
        return Details(contact=parts[0], phone=phone, email=email, typed=typed)
    if not company_wanted:
        if not contact_given:
            return None
        return Details(contact=" ".join(parts) or None, phone=phone, email=email, typed=typed)
    if len(parts) >= 2 and _COMPANY_RE.search(parts[-1]) and not _COMPANY_RE.search(parts[0]):
        parts = [parts[-1], *parts[:-1]]  # "王女士 宁波海川电器有限公司": the company first
    # Without a phone or e-mail, two parts only when the second is a person by its form
    # ("宁波海川电器 王女士"), so that "宁波 海川电器" stays one company.
    person = len(parts) == 2 and _PERSON_RE.match(parts[1]) and not _COMPANY_RE.search(parts[1])
    if not contact_given and not person:
        return None
    if not parts:
        return Details(phone=phone, email=email, typed=typed)
    contact = " ".join(parts[1:]) or None
    return Details(company=parts[0], contact=contact, phone=phone, email=email, typed=typed)
