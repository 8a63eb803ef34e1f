"""Canned replies for the staff console, kept in the database so admins edit them in both
languages; each may be limited to some channels (a request for photos is useless on the web
chat, which cannot send pictures). Seeded into an empty table from the former built-in set (`seed_canned`)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import utcnow

__all__ = (
    "DEFAULT_REPLIES",
    "CannedReply",
    "canned_for",
    "get_canned",
    "list_canned",
    "save_canned",
    "seed_canned",
)


class CannedReply(SQLModel, table=True):
    """One reusable reply; `channels` is a comma list, empty for every channel."""

    __tablename__ = "canned_reply"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    label: str = Field(max_length=60)
    text_zh: str = Field(max_length=2000)
    text_en: str = Field(max_length=2000)
    channels: str = Field(default="", max_length=60)
    position: int = 0
    active: bool = True
    updated_by: str = Field(default="system", max_length=80)
    updated_at: dt.datetime = Field(default_factory=utcnow)

    def text(self, lang: str) -> str:
        """The reply in the user's language ('en', otherwise Chinese)."""
        return self.text_en if lang == "en" else self.text_zh

    def fits(self, channel: str) -> bool:
        """Whether the reply makes sense on `channel`."""
        allowed = [c.strip() for c in self.channels.split(",") if c.strip()]
        return not allowed or channel in allowed


# (key, label, zh, en, channels): the former built-in set (handlers/staff/canned.py), except that
# the request for photos is offered only where users can send pictures, with a web variant.
DEFAULT_REPLIES = [
    (
        "greet",
        "接待 Greeting",
        "您好，我是商标品牌指导站的工作人员，已经看到您的问题，正在为您查询，请稍候。",
        "Hello, I am a member of the station staff. I have read your question and am looking "
        "into it; please bear with me a moment.",
        "",
    ),
    (
        "need_details",
        "补充信息 More details",
        "为了准确答复，请提供商标名称、注册号（或申请号）以及相关材料的照片或截图。",
        "To answer precisely, please send the trademark name, its registration (or application) "
        "number, and photos or screenshots of the documents involved.",
        "telegram,wechat",
    ),
    (
        "need_details_web",
        "补充信息 More details",
        "为了准确答复，请提供商标名称和注册号（或申请号），并简要说明材料上写的内容。",
        "To answer precisely, please send the trademark name and its registration (or "
        "application) number, and tell us briefly what the documents say.",
        "web",
    ),
    (
        "call_back",
        "电话回访 Call back",
        "这个问题电话沟通更方便。请留下您的手机号，我们会在工作时间致电您。",
        "This is easier to discuss by phone. Please leave a mobile number and we will call you "
        "during office hours.",
        "",
    ),
    (
        "visit",
        "预约面谈 Visit",
        "建议您携带相关材料到指导站面谈，也可以回复“预约专家”在线预约时间。",
        "We suggest an appointment at the station with your documents; reply 'book an expert' "
        "to choose a time online.",
        "",
    ),
    (
        "closing",
        "结束语 Closing",
        "如果没有其他问题，我们将结束本次咨询。感谢您的耐心！",
        "If there is nothing else, we will close this request now. Thank you for your patience!",
        "",
    ),
]


def seed_canned(*, session: Session) -> int:
    """Fill an empty table with the default replies (a fresh or emptied database)."""
    if session.exec(select(CannedReply.id).limit(1)).first() is not None:
        return 0
    for n, (key, label, zh, en, channels) in enumerate(DEFAULT_REPLIES):
        session.add(
            CannedReply(
                key=key, label=label, text_zh=zh, text_en=en, channels=channels, position=n * 10
            )
        )
    return len(DEFAULT_REPLIES)


def list_canned(*, session: Session) -> list[CannedReply]:
    """Every canned reply, in button order."""
    query = select(CannedReply).order_by(col(CannedReply.position), col(CannedReply.id))
    return list(session.exec(query))


def canned_for(*, session: Session, channel: str) -> list[CannedReply]:
    """The active replies offered on a ticket of `channel`."""
    return [c for c in list_canned(session=session) if c.active and c.fits(channel)]


def get_canned(*, session: Session, key: str) -> CannedReply | None:
    """The reply with this key."""
    return session.exec(select(CannedReply).where(CannedReply.key == key)).first()


def save_canned(*, session: Session, reply: CannedReply, author: str) -> CannedReply:
    """Insert or update a reply, stamped with its editor."""
    reply.updated_by, reply.updated_at = author, utcnow()
    session.add(reply)
    session.flush()
    return reply
