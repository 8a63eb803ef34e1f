"""Every user-facing string of expert booking, in Chinese and English, keyed by id."""

from __future__ import annotations

from bot.core.texts import catalog

__all__ = ("TEXTS", "bt")

TEXTS: dict[str, tuple[str, str]] = {
    "back": ("返回", "Back"),
    "cancel": ("取消", "Cancel"),
    "topic.prompt": (
        "预约专家咨询。请选择咨询主题：",
        "Book a consultation with an expert. What is it about?",
    ),
    "topic.registration": ("商标注册", "Registration"),
    "topic.renewal": ("续展", "Renewal"),
    "topic.madrid": ("马德里国际注册", "Madrid / international"),
    "topic.opposition_invalidation": ("异议与无效宣告", "Opposition and invalidation"),
    "topic.infringement_litigation": ("侵权与诉讼", "Infringement and litigation"),
    "topic.brand_strategy": ("品牌战略", "Brand strategy"),
    "topic.geographic_indications": ("地理标志", "Geographical indications"),
    "topic.collective_certification": ("集体商标与证明商标", "Collective and certification marks"),
    "expert.prompt": ("请选择专家：", "Choose an expert:"),
    "expert.any": ("任一可约专家（最早时段）", "Any available expert (earliest slot)"),
    "expert.none": (
        "暂时没有可预约的“{topic}”专家。请选择其他主题，或致电{phone}。",
        "No expert for '{topic}' can be booked at the moment. Choose another topic, or call "
        "{phone}.",
    ),
    "day.prompt": ("请选择日期（北京时间）：", "Choose a day (Beijing time):"),
    "day.none": (
        "未来{days}天内没有可预约的时段。您可以返回换一位专家，或致电{phone}。",
        "No free slot in the next {days} days. Go back to choose another expert, or call {phone}.",
    ),
    "slot.prompt": ("{day}可预约的时段：", "Free slots on {day}:"),
    "slot.prompt.other_part": (
        "{day}{part}没有可预约的时段，当天{other}可约：",
        "Nothing is free on {day} in the {part}; free that {other}:",
    ),
    "part.am": ("上午", "morning"),
    "part.pm": ("下午", "afternoon"),
    "slot.none": (
        "这一天已经约满了，请返回选择其他日期。",
        "That day is fully booked; go back and choose another day.",
    ),
    "change.done": ("好的，时间改为{when}。", "OK, the time is now {when}."),
    "slot.taken": (
        "抱歉，这个时段刚刚被别人约走了。以下是最近的可约时段：",
        "Sorry, that slot was just taken. Here are the next free slots:",
    ),
    "slot.unavailable": (
        "这个时段已经不能预约了（已过或距开始太近）。以下是最近的可约时段：",
        "That slot can no longer be booked (past or too close to its start). The next free slots:",
    ),
    "slot.taken_none": (
        "抱歉，这个时段已经不能预约，近期也没有其他空闲时段。请致电{phone}。",
        "Sorry, that slot is gone and no other slot is free soon. Please call {phone}.",
    ),
    "slot.chosen": ("已选：{time}，{expert}。", "You chose {time} with {expert}."),
    "company.prompt": (
        "请输入企业名称（个人申请人请输入姓名）：",
        "Your company's name (or your own name if you apply as an individual):",
    ),
    "contact.prompt": ("请输入联系人姓名：", "The contact person's name:"),
    "phone.prompt": (
        "请输入联系人手机号或邮箱（手机号：中国大陆11位；其他国家/地区请加国际区号，如 "
        "+44 7911 123456；邮箱如 name@example.com）。",
        "The contact person's phone number or e-mail address (a phone number with the country "
        "code outside mainland China, e.g. +44 7911 123456; or e.g. name@example.com).",
    ),
    # The consent note (PIPL) wherever a phone number or e-mail address is asked for or taken.
    "phone.note": (
        "说明：手机号或邮箱仅用于本次预约的联系和提醒，不作他用；"
        "发送即表示您同意指导站为此目的保存和使用。",
        "Note: we use it only to contact and remind you about this consultation; by sending it "
        "you agree that the station keeps and uses it for this purpose.",
    ),
    "phone.withdraw": (
        "如不同意，请回复“返回”改填，或回复“取消”。",
        "If you do not agree, reply 'back' to change it, or 'cancel'.",
    ),
    # Details typed in one line at the company or contact step, said back.
    "details.taken": ("已记下：{fields}。", "Noted: {fields}."),
    "details.company": ("企业 {value}", "company {value}"),
    "details.contact": ("联系人 {value}", "contact {value}"),
    "details.phone": ("电话 {value}", "phone {value}"),
    "details.email": ("邮箱 {value}", "e-mail {value}"),
    "phone.invalid": (
        "手机号或邮箱格式不对：请输入11位中国大陆手机号（如 13812345678）、带国际区号的号码"
        "（如 +44 7911 123456），或邮箱（如 name@example.com）。",
        "That is neither a valid phone number nor an e-mail address: send a mainland China "
        "mobile (e.g. 13812345678), a number with its country code (e.g. +44 7911 123456) or an "
        "e-mail address (e.g. name@example.com).",
    ),
    "question.prompt": (
        "请用一句话说明您想咨询的问题（200字以内）：",
        "In one line, what would you like to ask the expert? (up to 200 characters)",
    ),
    "text.too_long": ("内容太长了，请控制在{limit}字以内。", "Too long; keep it under {limit}."),
    "notice.prompt": (
        "微信只允许我们在您最近一次发消息后48小时内回复。是否同意我们在咨询前24小时和1小时"
        "通过微信订阅通知提醒您？",
        "WeChat lets us write to you only within 48 hours of your last message. May we remind "
        "you 24 hours and 1 hour before the consultation by a WeChat subscription notice?",
    ),
    "notice.yes": ("同意提醒", "Yes, remind me"),
    "notice.no": ("不用提醒", "No reminders"),
    "summary": (
        "请核对预约信息：\n主题：{topic}\n专家：{expert}\n时间：{time}\n{place}\n"
        "企业：{company}\n联系人：{contact}\n手机号或邮箱：{phone}\n问题：{question}\n\n确认预约吗？",
        "Please check your booking:\nTopic: {topic}\nExpert: {expert}\nTime: {time}\n{place}\n"
        "Company: {company}\nContact: {contact}\nPhone number or e-mail: {phone}\n"
        "Question: {question}\n\n"
        "Confirm?",
    ),
    "confirm": ("确认预约", "Confirm booking"),
    "confirmed": (
        "预约成功！预约号：{code}\n时间：{time}\n专家：{expert}\n{place}\n请准备：{prepare}\n"
        "日历文件：{ics}\n我们会在咨询前24小时和1小时提醒您。回复“我的预约”可查看、取消或改约。",
        "Booked! Your booking code: {code}\nTime: {time}\nExpert: {expert}\n{place}\n"
        "Please bring: {prepare}\nCalendar file: {ics}\nWe will remind you 24 hours and 1 hour "
        "before. Reply 'my bookings' to see, cancel or reschedule.",
    ),
    "ics.caption": (
        "预约 {code} 的日历文件：点开即可把咨询加入手机日历。",
        "Calendar file for booking {code}: open it to add the consultation to your calendar.",
    ),
    "daily": (
        "今天的预约次数已达上限（{max}次），请明天再预约，或致电{phone}。",
        "Today's booking limit ({max}) has been reached. Please book again tomorrow, or call "
        "{phone}.",
    ),
    "limit": (
        "您已有{count}个待进行的预约（每人最多{max}个）。请先取消或等咨询结束后再预约。",
        "You already have {count} upcoming bookings (at most {max} per person). Cancel one or "
        "wait until it has taken place.",
    ),
    "my.title": ("您待进行的预约：", "Your upcoming bookings:"),
    "my.none": (
        "您目前没有待进行的预约。回复“预约专家”即可预约。",
        "You have no upcoming bookings. Reply 'book an expert' to make one.",
    ),
    "my.item": ("{code}｜{time}｜{expert}", "{code} | {time} | {expert}"),
    "my.cancel": ("取消 {code}", "Cancel {code}"),
    "my.move": ("改约 {code}", "Reschedule {code}"),
    "my.not_found": (
        "没有找到您的预约 {code}，请检查预约号。",
        "No booking {code} of yours was found; check the code.",
    ),
    "my.too_late": (
        "距咨询开始已不足{hours}小时，无法在线取消或改约，请致电{phone}。",
        "It is less than {hours} hours before the consultation; to cancel or reschedule, "
        "please call {phone}.",
    ),
    "cancel.ask": ("确认取消预约 {code}（{time}）吗？", "Cancel booking {code} ({time})?"),
    "cancel.yes": ("确认取消", "Yes, cancel it"),
    "cancel.done": (
        "预约 {code} 已取消。欢迎随时重新预约。",
        "Booking {code} is cancelled. You are welcome to book again.",
    ),
    "move.prompt": (
        "改约 {code}（原定 {time}）。请选择新的日期：",
        "Reschedule {code} (now {time}). Choose a new day:",
    ),
    "move.head": ("改约 {code}（原定 {time}）。", "Reschedule {code} (now {time})."),
    "move.ask": ("确认把预约 {code} 改到 {time} 吗？", "Move booking {code} to {time}?"),
    "move.yes": ("确认改约", "Yes, move it"),
    "move.done": (
        "已改约。预约号 {code}，新时间：{time}。\n日历文件：{ics}",
        "Rescheduled. Booking {code}, new time: {time}.\nCalendar file: {ics}",
    ),
    "flow.cancelled": ("好的，已退出预约。", "OK, booking stopped."),
    "flow.hint": (
        "请从选项中选择（可回复数字），或回复“返回”“取消”。",
        "Please pick one of the options (you can reply with its number), or 'back' / 'cancel'.",
    ),
    "flow.day_not_offered": (
        "{day}没有可预约的时段，请从下面的日期中选择（可回复数字），或回复“返回”“取消”。",
        "There is no free time on {day}; please pick one of the days below (or reply with its "
        "number), or 'back' / 'cancel'.",
    ),
    "flow.time_not_offered": (
        "{time}没有空档，请从下面的时段中选择（可回复数字），或回复“返回”“取消”。",
        "{time} is not free; please pick one of the times below (or reply with its number), "
        "or 'back' / 'cancel'.",
    ),
    "flow.text_hint": (
        "（您正在预约专家，回复“返回”或“取消”可退出这一步。）",
        "(You are booking an expert; reply 'back' or 'cancel' to leave this step.)",
    ),
    "flow.stale": (
        "这个按钮已过期（它属于已结束的预约步骤）。需要预约请点“重新预约”。",
        "That button has expired (it belongs to a booking step that is over). "
        "Tap 'Book again' to start a new booking.",
    ),
    "flow.already": (
        "您的预约已确认，预约号 {code}，无需重复确认。回复“我的预约”可查看或改约。",
        "Your booking is already confirmed ({code}); no need to confirm again. "
        "Say 'my bookings' to see or change it.",
    ),
    "flow.new": ("重新预约", "Book again"),
    "flow.mine": ("我的预约", "My bookings"),
    "reminder": (
        "提醒：您的专家咨询将在{when}开始。\n预约号：{code}\n时间：{time}\n专家：{expert}\n{place}\n"
        "如需取消或改约，请回复“我的预约”。",
        "Reminder: your expert consultation starts {when}.\nBooking: {code}\nTime: {time}\n"
        "Expert: {expert}\n{place}\nTo cancel or reschedule, reply 'my bookings'.",
    ),
    "staff.cancelled": (
        "抱歉，您预约的专家咨询 {code}（{time}）已由指导站取消。{reason}如需重新预约请回复“预约专家”，"
        "或致电{phone}。",
        "Sorry, the station had to cancel your consultation {code} ({time}). {reason}Reply 'book "
        "an expert' to book again, or call {phone}.",
    ),
    "staff.moved": (
        "您预约的专家咨询 {code} 已由指导站改到 {time}。{reason}如时间不便，请回复“我的预约”改约，或致电{phone}。",
        "The station moved your consultation {code} to {time}. {reason}If that time does not suit "
        "you, reply 'my bookings' to change it, or call {phone}.",
    ),
    "staff.reason": ("原因：{reason}。", "Reason: {reason}. "),
    "reminder.24h": ("明天这个时候", "in 24 hours"),
    "reminder.1h": ("1小时后", "in 1 hour"),
}


bt = catalog("booking", TEXTS)
