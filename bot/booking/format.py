"""How bookings read to people: station-time dates, expert labels, place lines, what to bring."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.booking.texts import bt
from storage.experts import Expert

__all__ = (
    "day_label",
    "expert_label",
    "place",
    "place_line",
    "prepare_list",
    "slot_time",
    "topic_label",
)

_WEEKDAYS_ZH = "一二三四五六日"
_MODES = {
    "on_site": ("现场咨询", "In person"),
    "phone": ("电话咨询", "By phone"),
    "video": ("视频咨询", "By video"),
}
_PREPARE: dict[str, tuple[str, str]] = {
    "registration": (
        "商标图样、申请人营业执照或身份证件、拟使用的商品或服务清单",
        "the mark's image, the applicant's business licence or ID, the goods or services list",
    ),
    "renewal": (
        "商标注册证、注册人营业执照或身份证件、名称或地址变更证明（如有）",
        "the registration certificate, the owner's licence or ID, proof of name or address "
        "changes (if any)",
    ),
    "madrid": (
        "国内商标注册证或申请受理通知书、拟指定的国家清单、商品或服务英文清单",
        "the Chinese registration or filing receipt, the countries you want, the goods or "
        "services in English",
    ),
    "opposition_invalidation": (
        "相关商标的申请号或注册号、公告或通知书、使用证据",
        "the numbers of the marks concerned, the notice or decision, evidence of use",
    ),
    "infringement_litigation": (
        "商标注册证、侵权证据（照片、购买凭证、链接）、已收到的函件或文书",
        "the registration certificate, evidence of the infringement (photos, receipts, links), "
        "letters or papers received",
    ),
}
_PREPARE_DEFAULT = (
    "营业执照或身份证件、商标注册证或申请材料、与问题相关的资料",
    "your business licence or ID, the registration or application papers, anything related "
    "to your question",
)


def topic_label(topic: str, lang: str) -> str:
    """The display name of a topic (specialty)."""
    return bt(f"topic.{topic}", lang)


def expert_label(expert: Expert, lang: str) -> str:
    """E.g. 王律师（某某律师事务所） / Lawyer Wang (Some Law Firm)."""
    if lang == "en":
        name = expert.name_en or expert.name
        org = expert.organisation_en or expert.organisation
        return f"{name} ({org})" if org else name
    return f"{expert.name}（{expert.organisation}）" if expert.organisation else expert.name


def day_label(day: dt.date, lang: str) -> str:
    """E.g. 11月26日 周四 / Thu 26 Nov."""
    if lang == "en":
        return day.strftime("%a %d %b").replace(" 0", " ")
    return f"{day.month}月{day.day}日 周{_WEEKDAYS_ZH[day.weekday()]}"


def slot_time(start: dt.datetime, end: dt.datetime, tz: ZoneInfo, lang: str) -> str:
    """A slot in station time, e.g. 2026年11月26日（周四）14:00-14:30（北京时间）."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    if lang == "en":
        return f"{a:%a} {a.day} {a:%b %Y}, {a:%H:%M}-{b:%H:%M} (Beijing time)"
    wd = _WEEKDAYS_ZH[a.weekday()]
    return f"{a.year}年{a.month}月{a.day}日（周{wd}）{a:%H:%M}-{b:%H:%M}（北京时间）"


def place(expert: Expert, lang: str, *, address: str = "") -> str:
    """Where the consultation happens: the address, the video link, or the phone call."""
    if expert.mode == "video":
        return expert.location
    if expert.mode == "phone":
        return (
            "the expert will call the mobile number you gave"
            if lang == "en"
            else "专家将拨打您留下的手机号"
        )
    # On site: the station's address first (the expert's location is usually just the room).
    if address and address in expert.location:
        return expert.location
    where = [part for part in (address, expert.location) if part]
    if where:
        return (", " if lang == "en" else "，").join(where)
    return "the station" if lang == "en" else "指导站"


def place_line(expert: Expert, lang: str, *, address: str = "") -> str:
    """E.g. 现场咨询：指导站二楼 / By video: https://..."""
    mode = _MODES.get(expert.mode, _MODES["on_site"])[1 if lang == "en" else 0]
    where = place(expert, lang, address=address)
    return f"{mode}: {where}" if lang == "en" else f"{mode}：{where}"


def prepare_list(topic: str, lang: str) -> str:
    """What to bring or have at hand for this topic."""
    zh, en = _PREPARE.get(topic, _PREPARE_DEFAULT)
    return en if lang == "en" else zh
