"""Every user-facing string of the renewal radar (my marks, reminders), in Chinese and English."""

from __future__ import annotations

from typing import Any

__all__ = ("TEXTS", "mt")

TEXTS: dict[str, tuple[str, str]] = {
    "add.prompt": (
        "请发送商标信息，每行一件，可以一次粘贴多件：\n注册号 商标名称 类别 核准注册日（或“到期”+注册证上的有效期截止日）\n"
        "例如：\n12345678 华星 9;35;42 2016-03-07\n23456789 华星科技 第9类 到期 2027年5月20日\n回复“取消”退出。",
        "Send your marks, one per line (you can paste several at once):\nregistration number, "
        "mark name, classes, registration date (or 'expires' + the expiry date on the "
        "certificate)\nFor example:\n12345678 Huaxing 9;35;42 2016-03-07\n23456789 Huaxing Tech "
        "class 9 expires 2027-05-20\nReply 'cancel' to stop.",
    ),
    "remind.intro": (
        "可以。把您的商标登记在这里，我会在续展期开始前、截止前按时提醒您（需要您同意接收提醒）。",
        "Yes. Register your marks here and I will remind you before the renewal window opens and "
        "before each deadline (with your consent to receive reminders).",
    ),
    "add.errors": (
        "以下几行没有看懂，请改正后重新发送这几行：\n{errors}",
        "I could not read these lines; please correct and send them again:\n{errors}",
    ),
    "err.number": (
        "每行请以注册号开头（5-10位数字）",
        "start each line with the registration number (5-10 digits)",
    ),
    "err.date": (
        "缺少核准注册日或有效期截止日",
        "the registration date or the expiry date is missing",
    ),
    "err.name": ("缺少商标名称", "the mark's name is missing"),
    "err.classes": ("类别应为1-45之间的数字", "classes must be numbers from 1 to 45"),
    "clarify": (
        "第{line}行（注册号 {number}）：{question}",
        "Line {line} (no. {number}): {question}",
    ),
    "confirm.head": ("请确认以下{count}件商标：", "Please confirm the marks below ({count}):"),
    "confirm.yes": ("确认保存", "Save them"),
    "cancel": ("取消", "Cancel"),
    "cancelled": ("好的，没有保存。", "OK, nothing was saved."),
    "saved": (
        "已保存{count}件商标。回复“我的商标”随时查看。",
        "Saved {count} mark(s). Say 'my marks' any time to see them.",
    ),
    "consent.prompt": (
        "需要我在续展期开始、届满前6个月、2个月、2周、届满时以及宽展期结束前提醒您吗？提醒会通过本渠道发送，"
        "您可随时回复“停止提醒 注册号”关闭。",
        "Shall I remind you here when the renewal window opens, 6 months, 2 months and 2 weeks "
        "before expiry, on expiry and before the grace period ends? You can stop them any time "
        "with 'stop reminders NUMBER'.",
    ),
    "consent.prompt.wechat": (
        "超过48小时未互动时，提醒将以微信订阅通知发送：请在弹出的订阅窗口中点击“允许”。",
        "When we have not chatted for 48 hours, reminders come as WeChat subscription notices: "
        "tap 'Allow' when WeChat asks.",
    ),
    "consent.yes": ("同意提醒", "Yes, remind me"),
    "consent.no": ("不用提醒", "No reminders"),
    "consent.given": (
        "好的，会按期提醒您，均在指导站工作时间发送。",
        "Done: I will remind you at each milestone, during the station's working hours.",
    ),
    "consent.refused": (
        "好的，不发送提醒。您仍可随时回复“我的商标”查看期限。",
        "OK, no reminders. You can still say 'my marks' to see the deadlines.",
    ),
    "list.empty": (
        "您还没有登记商标。回复“添加商标”登记，我会计算续展期限并按期提醒。",
        "You have no marks yet. Say 'add a mark' and I will compute the renewal deadlines and remind you.",
    ),
    "list.head": ("您的商标（{count}件）：", "Your marks ({count}):"),
    "list.foot": (
        "删除：回复“删除商标 注册号”。",
        "To remove one, say 'delete mark NUMBER'.",
    ),
    "list.add": ("添加商标", "Add a mark"),
    "line": (
        "{name}（注册号 {number}，第{classes}类）有效期至 {expiry}",
        "{name} (no. {number}, class {classes}) expires {expiry}",
    ),
    "phase.upcoming": (
        "续展期 {opens} 开始（还有{days}天）",
        "renewal window opens {opens} (in {days} days)",
    ),
    "phase.window": (
        "续展期内，不加收迟延费的最后一天 {due}（还有{days}天）",
        "in the renewal window; last day without surcharge {due} ({days} days left)",
    ),
    "phase.grace": (
        "宽展期内（加收迟延费），最后一天 {due}（还有{days}天）",
        "in the grace period (late surcharge); last day {due} ({days} days left)",
    ),
    "phase.lapsed": (
        "宽展期已于 {due} 结束，未续展的将被注销",
        "the grace period ended on {due}; unrenewed marks are cancelled",
    ),
    "status.renewed": ("已续展，不再提醒", "renewed, no more reminders"),
    "status.stopped": ("已停止提醒", "reminders stopped"),
    "assumed": (
        "（按期续展推算的当前有效期；如不同，请按注册证上的截止日重新添加）",
        "(current term assuming timely renewals; if different, add it again with the certificate's expiry date)",
    ),
    "deleted": ("已删除商标 {number}。", "Mark {number} removed."),
    "not_found": ("没有找到注册号为 {number} 的商标。", "You have no mark with number {number}."),
    "renewed": (
        "已记录商标 {number} 已续展，不再提醒。指导站工作人员也能看到。",
        "Noted: mark {number} is renewed; no more reminders. The station can see this too.",
    ),
    "stopped": ("已停止商标 {number} 的续展提醒。", "Reminders for mark {number} are stopped."),
    # reminders
    "r.subject": (
        "商标续展提醒：{name}（{number}）",
        "Trademark renewal reminder: {name} ({number})",
    ),
    "r.head": (
        "【商标续展提醒】{name}（注册号 {number}，第{classes}类）注册有效期至 {expiry} 届满。",
        "[Renewal reminder] {name} (registration no. {number}, class {classes}) expires on {expiry}.",
    ),
    "r.window": (
        "- 续展期：{opens} 至 {due}，不加收迟延费的最后一天 {due}（还有{days}天）。",
        "- Renewal window: {opens} to {due}; last day without surcharge {due} ({days} days left).",
    ),
    "r.grace": (
        "- 宽展期：至 {due}（加收迟延费）。",
        "- Grace period: until {due} (with the late surcharge).",
    ),
    "r.grace_now": (
        "- 有效期已届满，现处于宽展期，须加收迟延费；宽展期最后一天 {due}（还有{days}天），逾期未续展的注册商标将被注销。",
        "- The registration has expired: you are in the grace period, with the late surcharge; "
        "last day {due} ({days} days left). A mark not renewed by then is cancelled.",
    ),
    "r.fee": ("- 官费：{fee}", "- Official fee: {fee}"),
    "r.how": (
        "- 办理：登录商标网上服务系统（由中国商标网 https://sbj.cnipa.gov.cn 进入）在线提交续展申请，"
        "也可以到指导站咨询办理。",
        "- How: file the renewal online in the Trademark Online Service System (from the China "
        "Trademark Office site https://sbj.cnipa.gov.cn), or ask the station.",
    ),
    "r.reply": (
        "已续展请回复“已续展 {number}”；不需要提醒请回复“停止提醒 {number}”。",
        "Renewed already? Reply 'renewed {number}'. No more reminders: 'stop reminders {number}'.",
    ),
    "r.book": ("预约专家", "Book an expert"),
    "r.renewed": ("我已续展", "I have renewed"),
    "r.stop": ("停止提醒", "Stop reminders"),
    "r.notice": ("商标{number}续展截止{month}月{day}日", "TM{number} due {month}/{day}"),
}


def mt(key: str, lang: str, /, **values: Any) -> str:
    """The marks text `key` in `lang` ('en', otherwise Chinese), placeholders filled."""
    zh, en = TEXTS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
