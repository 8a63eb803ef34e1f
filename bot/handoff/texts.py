"""What the handoff feature says to users and staff, in Chinese and English."""

from __future__ import annotations

from bot.core.texts import catalog

__all__ = ("HANDOFF_TEXTS", "ht")

HANDOFF_TEXTS: dict[str, tuple[str, str]] = {
    "ask_question": (
        "好的，我来为您转接工作人员。请用一两句话说明您的问题（例如商标名称、遇到的情况），"
        "方便工作人员提前准备。回复“取消”可放弃。",
        "Sure, I will pass you to the station staff. In a sentence or two, what is your question "
        "(e.g. the trademark and what happened)? That helps them prepare. Reply 'cancel' to stop.",
    ),
    "cancelled": (
        "好的，已取消转人工。还有问题可以继续问我。",
        "OK, no handoff. Ask me anything else.",
    ),
    "quota": (
        "您在一小时内已提交{max}次人工请求，暂时无法再新建工单。工作人员会查看您之前的工单；"
        "如有急事请致电{phone}。",
        "You have asked for a person {max} times within an hour, so no new ticket can be opened "
        "right now. Staff will see your earlier tickets; if it is urgent, please call {phone}.",
    ),
    # The ticket opened: "opened", then "opened.contact" (or the consent question when the
    # request already gave a phone or e-mail), then "opened.end".
    "opened": (
        "已为您转接工作人员，工单号 {number}。\n{when}\n"
        "您可以继续在这里补充情况（如商标名称、注册号），工作人员都能看到，我不会再自动回答。",
        "You are now in the queue for station staff; your ticket is {number}.\n{when}\n"
        "You can keep adding details here (trademark name, registration number); staff see "
        "everything and I will stay quiet.",
    ),
    "opened.contact": (
        "如希望工作人员电话或邮件联系您，可以发送手机号或邮箱（保存前会征得您的同意）；"
        "也可以告诉我公司名称（如“公司：某某有限公司”）。",
        " If you would like a call or an e-mail back, send a mobile number or e-mail address (I "
        "will ask before saving it), or tell me your company ('company: ...').",
    ),
    "opened.end": (
        "回复“结束”可随时结束人工服务。",
        "Reply 'done' at any time to end the handoff.",
    ),
    "when.open": (
        "现在是工作时间，工作人员一般会在{due}前回复您。",
        "Staff are at work now and usually reply by {due}.",
    ),
    "when.closed": (
        "现在不是工作时间（工作时间：{schedule}）。工作人员会在{opens}上班后处理，最晚{due}前回复您。",
        "The station is closed now (hours: {schedule}). Staff will pick this up from {opens} "
        "and reply by {due} at the latest.",
    ),
    "when.wechat_window": (
        "注意：公众号只能在您最近一条消息后48小时内给您发消息。如{due}仍未看到回复，请在这里发送任意消息，"
        "工作人员的回复会随即送达。",
        "Note: the account can only message you within 48 hours of your last message. If you "
        "have not seen a reply by {due}, send any message here and the staff reply will arrive "
        "right away.",
    ),
    "ack": (
        "已转给工作人员（工单 {number}：{state}），工作人员会在这里回复您。{when}\n"
        "回复“菜单”使用自助服务，回复“结束”回到机器人。",
        "Passed on to staff (ticket {number}: {state}); a person will reply here. {when}\n"
        "Reply 'menu' for self-service, 'done' to go back to the bot.",
    ),
    "ack.due": ("预计{due}前回复。", "Expect a reply by {due}."),
    "file_forwarded": (
        "已收到，文件已转给工作人员（工单 {number}）。",
        "Received: the file was passed on to staff (ticket {number}).",
    ),
    "ack.late": (
        "回复比预期晚了，工作人员会尽快回复。",
        "The reply is later than expected; staff will answer as soon as they can.",
    ),
    "ack.replied": (
        "工作人员已回复过，会继续在这里跟进。",
        "Staff have replied and will follow up here.",
    ),
    "state.open": ("等待工作人员认领", "waiting for a staff member"),
    "state.claimed": ("工作人员处理中", "a staff member is on it"),
    "state.waiting_user": ("工作人员已回复，等您补充", "staff replied; your turn"),
    "menu_during_handoff": (
        "您的工单 {number} 仍在人工处理中（{state}）。以下自助服务照常可用；回复“结束”可结束人工服务。",
        "Your ticket {number} is still with staff ({state}). Self-service below works as usual; "
        "reply 'done' to end the handoff.",
    ),
    "already_open": (
        "您的工单 {number} 正在处理中，请直接在这里补充，工作人员都能看到。回复“结束”可结束人工服务。",
        "Your ticket {number} is already with staff; just write here and they will see it. "
        "Reply 'done' to end the handoff.",
    ),
    "relayed": (
        "已转给工作人员，请稍候，工作人员会在这里回复您。在此期间我不会自动回答。",
        "Passed on to staff; a person will reply here. I will not answer automatically meanwhile.",
    ),
    "withdrawn": (
        "好的，已撤回转人工请求（工单 {number}），工作人员不会再跟进。您可以继续问我，需要时再回复“人工”。",
        "OK, your request for a person is withdrawn (ticket {number}); staff will not follow it "
        "up. Ask me anything, or reply 'human' when you want a person again.",
    ),
    # The request withdrawn by what the user asks next (a booking, a question of their own).
    "withdrawn.for": (
        "好的，已撤回转人工请求（工单 {number}），工作人员不会再跟进。",
        "OK, your request for a person is withdrawn (ticket {number}); staff will not follow it up.",
    ),
    "closed_by_user": (
        "已结束人工服务（工单 {number}）。之后的问题我会继续为您自动解答。",
        "Handoff ended (ticket {number}). I will answer your questions again from now on.",
    ),
    "rate_prompt": (
        "请为本次人工服务打分：回复 1-5（5 为非常满意）。",
        "Please rate the help you got: reply 1-5 (5 = excellent).",
    ),
    "resolved": (
        "工作人员已处理完您的咨询（工单 {number}）。{note}\n",
        "Staff have finished with your request (ticket {number}). {note}\n",
    ),
    "reopened": (
        "工作人员重新打开了您的工单 {number}，会继续在这里与您沟通。回复“结束”可结束人工服务。",
        "Staff reopened your ticket {number} and will continue here. Reply 'done' to end it.",
    ),
    "rated": (
        "谢谢您的评价！还有问题可以随时问我。",
        "Thank you for rating! Ask me anything else.",
    ),
    "consent": (
        "您发送了{kind} {masked}。是否同意保存，仅供工作人员就本次咨询联系您？回复“同意”或“不同意”。",
        "You sent {kind} {masked}. May we save it, only so staff can contact you about this "
        "request? Reply 'yes' if you agree, or 'no'.",
    ),
    "kind.phone": ("电话号码", "the phone number"),
    "kind.email": ("邮箱", "the e-mail address"),
    "consent_yes": (
        "已保存，工作人员会通过 {masked} 联系您。",
        "Saved; staff will contact you at {masked}.",
    ),
    "consent_no": (
        "好的，不保存。工作人员会在这里回复您。",
        "OK, not saved. Staff will reply here.",
    ),
    "bad_phone": (
        "{value} 看起来不是有效的中国大陆手机号（11位，以1开头），请检查后再发。",
        "{value} does not look like a mainland China mobile number (11 digits starting with 1); "
        "please check it.",
    ),
    "company_saved": ("已记下公司名称：{company}。", "Noted your company: {company}."),
    "offer.low_confidence": (
        "看来我没能答好您的问题。需要请工作人员帮您看看吗？",
        "It seems I could not answer well. Shall I ask a member of staff to help?",
    ),
    "offer.not_helpful": (
        "如果还是没解决，可以转给工作人员。",
        "If this still does not solve it, I can pass you to staff.",
    ),
    "offer.needs_staff": (
        "具体纠纷需要工作人员根据您的情况处理，要为您转接工作人员吗？",
        "A specific dispute needs a person who looks at your case. Shall I pass you to staff?",
    ),
    "offer.button": ("转人工", "Talk to staff"),
    "file.link": (
        "工作人员给您发送了文件：{name}（{size}）。请在{days}天内打开链接查看和下载：\n{url}",
        "Staff sent you a file: {name} ({size}). Open the link within {days} days to view and "
        "download it:\n{url}",
    ),
    "staff_prefix": ("【工作人员】", "[Station staff] "),
    # Staff notices (both languages go out together, Chinese first).
    "sla_breach": (
        "工单 {number} 已超过首次响应期限（{due}），用户已等待 {waited}，仍无工作人员回复。"
        "\n{claimed}\n问题：{question}",
        "Ticket {number} is past its first-response due time ({due}): the user has waited "
        "{waited} with no reply from staff.\n{claimed}\nQuestion: {question}",
    ),
    # Past due, but staff did answer: the reply waits for the WeChat user's next message.
    "sla_breach.waiting": (
        "工单 {number} 已超过首次响应期限（{due}）。工作人员已写好回复，但用户48小时内未发消息，"
        "微信不允许主动发送：回复将在用户下次发消息时送达（用户已等待 {waited}）。"
        "\n{claimed}\n问题：{question}",
        "Ticket {number} is past its first-response due time ({due}). Staff have written a "
        "reply, but the user has not written within 48 hours and WeChat allows no message "
        "before they do: it will be delivered when the user next writes (the user has waited "
        "{waited}).\n{claimed}\nQuestion: {question}",
    ),
    "sla_breach.unclaimed": ("尚无人认领。", "Nobody has claimed it."),
    "sla_breach.claimed": ("认领人：{staff}。", "Claimed by {staff}."),
    "waited.days": ("{d}天{h}小时", "{d} d {h} h"),
    "waited.hours": ("{h}小时{m}分钟", "{h} h {m} min"),
    "waited.minutes": ("{m}分钟", "{m} min"),
}


ht = catalog("handoff", HANDOFF_TEXTS)
