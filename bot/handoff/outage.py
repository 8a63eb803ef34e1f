"""Tell staff through the other notifiers when one of them has been failing for a while.

The outbox keeps retrying a notifier that is down for 24 hours (storage/outbox.py), but staff
who only watch that notifier would not know tickets are waiting. Once per outage — the outage
is named by when its oldest unsent row began failing — every other staff notifier gets one
notice; the outbox's unique dedupe key makes "once" hold across workers.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import Session, col, func, select

from bot.core.settings import Settings
from bot.delivery.worker import OutageAlert
from storage.outbox import OutboxMessage, enqueue

__all__ = ("outage_alert_for", "staff_targets")

logger = logging.getLogger(__name__)


def staff_targets(settings: Settings) -> list[tuple[str, str]]:
    """Every configured staff notifier as (sender, recipient)."""
    targets: list[tuple[str, str]] = []
    if settings.telegram_staff_chat:
        targets.append(("telegram", str(settings.telegram_staff_chat)))
    if settings.wecom_webhook_url:
        targets.append(("wecom", "group"))
    if settings.smtp_host:
        targets += [("email", a.strip()) for a in settings.staff_emails.split(",") if a.strip()]
    return targets


def outage_alert_for(settings: Settings) -> OutageAlert:
    """The worker's `alert`: a bilingual notice through every staff notifier but the failing one."""

    def alert(
        session: Session, sender: str, recipient: str, since: dt.datetime, now: dt.datetime
    ) -> None:
        targets = staff_targets(settings)
        if (sender, recipient) not in targets:
            return  # a user's channel failing is shown on the ticket page, not alerted
        oldest = session.exec(
            select(func.min(OutboxMessage.failing_since)).where(
                col(OutboxMessage.sender) == sender,
                col(OutboxMessage.status).in_(["pending", "sending"]),
            )
        ).one()
        start = min(oldest or since, since)
        key = f"outage:{sender}:{start.isoformat(timespec='seconds')}"
        minutes = int((now - start).total_seconds() // 60)
        text = (
            f"【通知渠道故障 Notifier down】{sender}\n"
            f"{sender} 已连续 {minutes} 分钟发送失败，工单通知正在排队，恢复后会自动补发。\n"
            f"{sender} has been failing for {minutes} minutes; ticket notices are queued and "
            "will be sent when it answers again."
        )
        for other, to in targets:
            if other == sender:
                continue
            dedupe = f"{key}:{other}:{to}"[:200]
            exists = session.exec(
                select(OutboxMessage.id).where(col(OutboxMessage.dedupe_key) == dedupe)
            ).first()
            if exists is not None:
                continue
            payload: dict[str, object] = {"text": text, "event": "outage"}
            if other == "email":
                payload["subject"] = f"[tmbot] 通知渠道故障 Notifier down: {sender}"
            enqueue(
                session=session,
                sender=other,
                recipient=to,
                payload=payload,
                ref_kind="outage",
                ref_id=sender,
                dedupe_key=dedupe,
            )
            logger.warning(
                "notifier %s failing since %s: staff alerted via %s", sender, start, other
            )

    return alert
