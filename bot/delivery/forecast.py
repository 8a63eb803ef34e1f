"""What staff are told when they queue a message: will it reach the user now?

Only WeChat limits when tmbot may write: 5 customer-service messages within 48 hours of the
user's last message. A reply that finds the window closed waits for the user's next message;
one that needs more messages than the window has left is flagged before it is sent.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, select

from storage.outbox import UNSENT, OutboxMessage
from storage.wechat import MESSAGE_WINDOW, WechatUser

__all__ = ("WAITS_FOR_USER", "forecast")

WAITS_FOR_USER = (
    "用户48小时内未发消息，回复将在用户下次发消息时送达。",
    "The user has not written within 48 hours: the reply will be delivered when they next write.",
)


def _unsent(session: Session, channel: str, recipient: str) -> int:
    query = select(func.count()).where(
        col(OutboxMessage.sender) == channel,
        col(OutboxMessage.recipient) == recipient,
        col(OutboxMessage.status).in_(UNSENT),
    )
    return int(session.exec(query).one())


def forecast(
    *, session: Session, channel: str, recipient: str, parts: int, now: dt.datetime
) -> str | None:
    """A bilingual warning for staff about a message of `parts` parts, or None if it can go now.

    Call it before queuing the message (rows already queued to the user use the window first).
    """
    if channel != "wechat":
        return None
    user = session.get(WechatUser, recipient)
    span, limit = MESSAGE_WINDOW
    if user is None or user.message_at is None or user.message_at < now - span:
        return " / ".join(WAITS_FOR_USER)
    if not user.subscribed:
        return "用户已取消关注公众号，无法送达 / The user unfollowed the account: it cannot be delivered"
    left = max(limit - user.message_sent - _unsent(session, channel, recipient), 0)
    if left >= parts:
        return None
    return (
        f"此回复需 {parts} 条消息，用户的48小时窗口仅剩 {left} 条：其余部分将在用户下次发消息时送达。"
        f" / This reply needs {parts} messages but the user's 48-hour window has {left} left: "
        "the rest goes out when they next write."
    )
