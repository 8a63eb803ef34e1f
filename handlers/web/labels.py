"""Chinese-with-English labels for every status and enum value a staff or admin page shows.

Used as the Jinja filter `label`: {{ t.status | label }} -> "待认领 open". A value without a label
is shown as it is (a new enum value is visible, never hidden).
"""

from __future__ import annotations

from bot.booking.format import topic_label

__all__ = ("LABELS", "label")

LABELS: dict[str, str] = {
    # ticket statuses and queue views
    "active": "进行中 active",
    "open": "待认领 open",
    "claimed": "处理中 claimed",
    "waiting_user": "等用户回复 waiting for the user",
    "resolved": "已解决 resolved",
    "closed": "已关闭 closed",
    "all": "全部 all",
    "mine": "我的 mine",
    "unassigned": "未分配 unassigned",
    "breached": "已超时 SLA breached",
    # ticket reasons, priorities, close reasons
    "asked": "用户要求 asked by the user",
    "low_confidence": "答案不确定 unsure answer",
    "not_helpful": "答案没帮助 answer not helpful",
    "needs_staff": "需要人工 needs staff",
    "normal": "普通 normal",
    "high": "高 high",
    "user": "用户结束 ended by the user",
    "rated": "用户评分 rated",
    "auto_unrated": "自动关闭（未评分）closed, unrated",
    "duplicate": "重复 duplicate",
    # FAQ entry states
    "draft": "草稿 draft",
    "published": "已发布 published",
    "retired": "已停用 retired",
    # bookings
    "cancelled": "已取消 cancelled",
    "attended": "已到场 attended",
    "no_show": "未到场 no-show",
    "on_site": "现场 on site",
    "phone": "电话 phone",
    "video": "视频 video",
    # outbox deliveries
    "pending": "待发送 pending",
    "sending": "发送中 sending",
    "sent": "已送达 sent",
    "failed": "失败 failed",
    # channels
    "web": "网页 web",
    "telegram": "Telegram",
    "wechat": "微信 WeChat",
    # FAQ categories (corpus files) and ticket categories
    "general": "综合 general",
    "registration": "注册 registration",
    "renewal": "续展 renewal",
    "disputes": "争议 disputes",
    "enforcement": "维权 enforcement",
    "madrid": "马德里 Madrid",
    "after-registration": "注册后事务 after registration",
    "special-marks": "特殊商标 special marks",
    "station": "指导站 station",
    # roles
    "admin": "管理员 admin",
    "staff": "工作人员 staff",
    "expert": "专家 expert",
}


def label(value: object) -> str:
    """The bilingual label of an enum value (booking topics included)."""
    key = str(value) if value is not None else ""
    if key in LABELS:
        return LABELS[key]
    try:
        zh, en = topic_label(key, "zh"), topic_label(key, "en")
    except KeyError:  # not a booking topic either
        return key
    return f"{zh} {en}" if en != zh else zh
