"""Questions about the station itself: when it is open, how to reach it, where it is.

Answered from the deployment's settings (hours, phone, address), not the corpus: every station
has its own. Only whole questions about the station ("你们几点下班", "what are your opening
hours", "指导站电话多少"), never a trademark question that mentions a phone or an address.
"""

from __future__ import annotations

import re

from bot.core.hours import StationHours
from bot.core.needles import Shelf
from bot.core.settings import Settings

__all__ = ("asks_about_station", "station_reply")

_HOURS = re.compile(
    r"几点(?:上班|下班|开门|关门)|(?:上班|工作|办公|营业|服务|人工服务|人工)时间"
    r"|(?:周末|节假日|星期[六天日]|周[六日])(?:上班|休息|有人|开门|也?在)"
    r"|\b(?:opening|office|business|working) hours\b|\bwhen (?:are|is) (?:you|the station) open\b"
    r"|\bwhat time do you (?:open|close)\b|\bare you open\b",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"(?:你们|指导站|贵站|站里)的?(?:电话|联系方式|地址|位置|在哪)|怎么联系你们|(?:电话|联系方式)是?多少"
    r"|\b(?:your|the station'?s?) (?:phone(?: number)?|address|contact details|location)\b"
    r"|\bwhere are you(?: located)?\b|\bhow (?:can|do) i (?:contact|reach|call) (?:you|the station)\b",
    re.IGNORECASE,
)
# Questions about CNIPA's or a mark's own details are the FAQ's ("商标局地址", "注册人地址变更").
_NOT_OURS = re.compile(r"商标局|知识产权局|变更|注册人|申请人|cnipa|wipo|change of", re.IGNORECASE)
_WORDS = Shelf([_HOURS, _CONTACT, _NOT_OURS])  # screened at once (bot/core/needles.py)


def asks_about_station(text: str) -> bool:
    """Whether `text` asks for the station's hours or contact details."""
    if len(text) > 40:
        return False
    hits = _WORDS.hits(text)
    return _NOT_OURS not in hits and (_HOURS in hits or _CONTACT in hits)


# (hours, phone, address, none published, the assistant's own hours, joined by) per language.
_TEXTS = {
    "zh": (
        "{name}工作人员的工作时间：{schedule}。",
        "电话：{phone}。",
        "地址：{address}。",
        "本站的电话和地址还没有在这里公布。",
        "我（智能助手）全天在线；需要工作人员请回复“人工”，他们会在工作时间内在这里回复您。",
        "",
    ),
    "en": (
        "{name} staff hours: {schedule}.",
        "Phone: {phone}.",
        "Address: {address}.",
        "The station's phone number and address are not published here yet.",
        "I, the assistant, answer around the clock; reply 'human' and staff will reply here in "
        "their hours.",
        " ",
    ),
}


def station_reply(settings: Settings, lang: str, asked: str = "") -> str:
    """The station's hours, phone and address, as far as this deployment has set them; when
    `asked` wants a way to reach the station and none is set, it says so (not the hours alone)."""
    en = lang == "en"
    hours, phone, address, unpublished, always, joiner = _TEXTS["en" if en else "zh"]
    name = settings.station_name_en if en else settings.station_name_zh
    where = settings.station_address_en if en else settings.station_address_zh
    lines = [hours.format(name=name, schedule=StationHours.from_settings(settings).schedule(lang))]
    if settings.station_phone:
        lines.append(phone.format(phone=settings.station_phone))
    if where:
        lines.append(address.format(address=where))
    if len(lines) == 1 and _CONTACT.search(asked):
        lines.append(unpublished)
    return joiner.join([*lines, always])
