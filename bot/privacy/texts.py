"""Every user-facing string of personal-data handling, in Chinese and English, keyed by id."""

from __future__ import annotations

from bot.core.texts import catalog

__all__ = ("DEFAULT_NOTICE", "TEXTS", "pt")

# The notice until the station writes its own at /admin/privacy (what, why, how long, rights).
DEFAULT_NOTICE: tuple[str, str] = (
    "个人信息保护说明\n"
    "我们收集什么：您发送的消息和问题；您同意后提供的手机号或邮箱、联系人姓名和公司名称"
    "（用于转人工和预约专家）；您所用渠道的用户标识（微信 openid、Telegram 账号，或网页聊天在浏览器 Cookie 中保存的"
    "随机编号，它不含姓名或联系方式）。\n"
    "为什么：解答商标问题、由工作人员跟进、安排专家咨询并发送预约提醒，以及改进常见问题库。\n"
    "保存多久：聊天记录和提问按本站规定的期限保存，到期删除或匿名化；已结束的工单和取消的预约"
    "到期后去除个人信息。\n"
    "您的权利：回复“我的数据”查看我们保存的内容，“删除我的数据”删除，“取消提醒”不再接收提醒，"
    "“撤回同意”撤回全部同意。如有疑问请联系本站工作人员。",
    "Privacy notice\n"
    "What we collect: your messages and questions; with your consent, a phone number or e-mail, "
    "a contact name and company name (for a handoff to staff or an expert booking); your "
    "channel's user id (WeChat openid, Telegram account, or the random number the web chat keeps "
    "in a browser cookie, which holds no name or contact).\n"
    "Why: to answer trademark questions, let staff follow up, arrange consultations and send "
    "their reminders, and to improve the FAQ.\n"
    "How long: transcripts and questions are kept for the station's set periods, then deleted "
    "or anonymised; closed tickets and cancelled bookings lose their personal data after theirs.\n"
    "Your rights: reply 'my data' to see what we hold, 'delete my data' to delete it, "
    "'stop reminders' to stop reminders, 'withdraw consent' to withdraw every consent. "
    "Questions: ask the station's staff.",
)

TEXTS: dict[str, tuple[str, str]] = {
    "notice.more": (
        "完整说明：{url}",
        "Full notice: {url}",
    ),
    "mydata": (
        "我们保存的与您有关的数据：\n· 消息 {messages} 条\n· 提问记录 {questions} 条\n"
        "· 转人工工单 {tickets} 个\n· 专家预约 {bookings} 个\n· 关注的商标 {marks} 个\n"
        "· 有效的同意 {consents} 项\n"
        "回复“删除我的数据”可删除，“取消提醒”或“撤回同意”可撤回同意。",
        "What we hold about you:\n· {messages} messages\n· {questions} logged questions\n"
        "· {tickets} staff tickets\n· {bookings} expert bookings\n· {marks} watched marks\n"
        "· {consents} active consents\n"
        "Reply 'delete my data' to delete it, 'stop reminders' or 'withdraw consent' to withdraw "
        "consent.",
    ),
    "mydata.download": (
        "在本浏览器中下载全部数据（JSON）：{url}",
        "Download all of it (JSON) in this browser: {url}",
    ),
    "mydata.file": ("您的数据（JSON）", "Your data (JSON)"),
    "erase.ask": (
        "确认删除您的数据吗？将删除聊天记录、联系方式、同意记录和会话状态；提问统计只保留"
        "主题和结果（不含您的信息）；已预约且尚未进行的咨询保留时段，联系方式隐去，之后无法在此"
        "查看或更改（请致电本站）。此操作无法撤销。",
        "Delete your data? Your transcript, contact details, consents and conversation state "
        "are removed; the question statistics keep only topics and outcomes (nothing about "
        "you); upcoming consultations keep their slot with your contact masked, and can no "
        "longer be seen or changed here (call the station). This cannot be undone.",
    ),
    "erase.yes": ("确认删除", "Yes, delete"),
    "erase.no": ("不删除", "Keep my data"),
    "erase.kept": ("好的，您的数据没有删除。", "OK, nothing was deleted."),
    "erase.done": (
        "已删除您的数据：消息 {messages} 条、提问记录 {questions} 条（统计已匿名）、"
        "工单 {tickets} 个（已匿名）、预约 {bookings} 个（联系方式已删除或隐去）、商标 {marks} 个、"
        "同意记录 {consents} 项，以及会话状态。再次发消息将作为新用户开始。",
        "Your data is deleted: {messages} messages, {questions} logged questions (statistics "
        "anonymised), {tickets} tickets (anonymised), {bookings} bookings (contact removed or "
        "masked), {marks} watched marks, {consents} consent records, and your conversation "
        "state. A new message "
        "starts afresh.",
    ),
    "withdraw.reminders": (
        "已取消提醒：之后不再向您发送预约提醒或会话外的通知（撤回 {n} 项同意）。",
        "Reminders stopped: nothing more is sent to you outside the conversation ({n} consents "
        "withdrawn).",
    ),
    "withdraw.all": (
        "已撤回您的全部同意（{n} 项）：不再发送提醒，工单中保存的联系方式已删除。"
        "已预约的咨询仍需手机号联系您，如不需要请回复“我的预约”取消。",
        "All your consents are withdrawn ({n}): no more reminders, and the contact kept with "
        "your tickets is deleted. Upcoming consultations still need your mobile number; reply "
        "'my bookings' to cancel one you no longer want.",
    ),
    "withdraw.none": (
        "您目前没有需要撤回的同意。",
        "You have no consent to withdraw.",
    ),
}


pt = catalog("privacy", TEXTS)
