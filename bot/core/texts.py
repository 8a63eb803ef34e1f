"""Every user-facing string, in Chinese and English, keyed by id."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ("CATALOG", "TEXTS", "Lookup", "catalog", "t")

TEXTS: dict[str, tuple[str, str]] = {
    "welcome": (
        "您好！我是{station}的智能助手，可以解答商标注册、续展、马德里国际注册等问题，"
        "帮您计算续展期限和费用，预约专家咨询，或转接工作人员。"
        "（个人信息保护说明：回复“隐私”查看；“我的数据”可查看或删除您的数据。）"
        "请直接输入您的问题，或选择：",
        "Hello! I am the assistant of the {station}. I answer questions on trademark "
        "registration, renewal and Madrid filings, compute renewal deadlines and fees, book "
        "expert consultations, or connect you with staff. (How we handle your personal data: "
        "reply 'privacy'; 'my data' to see or delete yours.) Type your question, or choose:",
    ),
    "menu": (
        "请选择您需要的服务，或直接输入问题：",
        "Choose a service, or just type your question:",
    ),
    "menu.registration": ("商标注册", "Registration"),
    "menu.renewal": ("续展", "Renewal"),
    "menu.madrid": ("马德里国际注册", "Madrid filing"),
    "menu.book": ("预约专家", "Book an expert"),
    "menu.remind": ("登记商标，到期提醒我", "Remind me before it is due"),
    "menu.human": ("人工服务", "Talk to staff"),
    "menu.theme_intro": (
        "{theme}常见问题（回复数字查看）：",
        "Common {theme} questions (reply a number):",
    ),
    "menu.renewal_tip": (
        "提示：告诉我核准注册日期（如“2016年3月7日注册，什么时候续展”），我可以帮您算出续展期限和费用。",
        "Tip: tell me your registration date (e.g. 'registered 7 March 2016, when to renew?') "
        "and I will compute your renewal deadlines and fee.",
    ),
    "help": (
        "您可以这样问我：\n· 商标续展要多少钱？\n· 马德里国际注册怎么申请？\n"
        "· 2016年3月7日核准注册的商标什么时候续展？\n· 卖奶茶要注册哪一类？\n"
        "回复“菜单”查看服务，“预约专家”预约咨询，“人工”联系工作人员，“English”切换英文。",
        "You can ask me, for example:\n· How much does renewal cost?\n· How do I file a Madrid "
        "application?\n· Registered on 7 March 2016, when must I renew?\n· Which class for a "
        "milk tea shop?\nReply 'menu' for services, 'book an expert', 'human' for staff, or "
        "'中文' for Chinese.",
    ),
    "lang.switched": ("好的，之后我用中文回复。", "OK, I will reply in English from now on."),
    "empty": (
        "我没有收到文字内容。请用文字输入您的商标问题，例如“商标续展要多少钱”。",
        "I did not get any text. Please type your trademark question, e.g. 'how much is renewal?'",
    ),
    "too_long": (
        "您的消息很长，我只读取了前{limit}个字。请尽量用一两句话描述问题。",
        "Your message is long; I read only its first {limit} characters. A sentence or two "
        "works best.",
    ),
    "unknown": (
        "抱歉，这个问题我暂时答不上来，不想给您不准确的信息。您可以换个说法，"
        "查看菜单，或转人工由工作人员解答。",
        "Sorry, I don't have a reliable answer to that, and I would rather not guess. You can "
        "rephrase, look at the menu, or ask for a person.",
    ),
    "suggest": (
        "我不太确定您想问的是哪一个，请回复数字：",
        "I am not sure which of these you mean; reply with a number:",
    ),
    "suggest.one": (
        "您是想问这个问题吗？是的话回复 1 即可：",
        "Is this what you mean? If so, reply 1:",
    ),
    "source_line": (
        "（信息截至{as_of}，依据：{names}；官方来源：{link}）",
        "(As of {as_of}. Based on: {names}. Official source: {link})",
    ),
    "source_line_link": (
        "（信息截至{as_of}，官方来源：{link}）",
        "(As of {as_of}. Official source: {link})",
    ),
    "source_line_names": (
        "（信息截至{as_of}，依据：{names}）",
        "(As of {as_of}. Based on: {names})",
    ),
    "feedback.prompt": ("这个回答有帮助吗？", "Was this helpful?"),
    "feedback.up": ("有用", "Helpful"),
    "feedback.down": ("没用", "Not helpful"),
    "feedback.thanks_up": (
        "谢谢您的反馈！还有其他问题可以继续问我。",
        "Thanks! Ask me anything else.",
    ),
    "feedback.thanks_down": (
        "抱歉没能帮上忙。您可以换个说法再问一次，或回复“人工”由工作人员为您解答。",
        "Sorry that did not help. Try asking in other words, or reply 'human' to reach staff.",
    ),
    "feedback.nothing": ("请先提问，我再听取您的反馈。", "Ask me something first, then rate it."),
    "related": ("相关问题：", "Related:"),
    "pick.invalid": (
        "没有第{n}项，请回复列表中的数字。",
        "There is no option {n}; reply with a number from the list.",
    ),
    "cancel.nothing": ("当前没有进行中的操作。", "Nothing to cancel."),
    "cancelled": ("已取消。", "Cancelled."),
    # Thanks or an acknowledgement while staff have the conversation: relayed to them, and
    # answered as a person at a desk would, without the bot's "ask me anything".
    "human.thanks": (
        "不客气！工作人员会在这里回复您，有新情况也可以随时补充。",
        "You're welcome! Staff will reply here; add anything new at any time.",
    ),
    "human.ack": (
        "好的。工作人员会在这里回复您，有新情况也可以随时补充。",
        "OK. Staff will reply here; add anything new at any time.",
    ),
    "choice.expired": (
        "这个选项已过期（它属于之前的一步），请按当前的问题选择：",
        "That choice has expired (it belonged to an earlier step); please answer the current "
        "question:",
    ),
    "human.unavailable": (
        "转人工服务暂未开通。您可以致电{phone}联系工作人员。",
        "Staff handoff is not available here yet. You can call the station at {phone}.",
    ),
    "book.unavailable": (
        "在线预约暂未开通，请致电{phone}预约专家。",
        "Online booking is not available yet; please call {phone} to book an expert.",
    ),
    "theme.registration": ("商标注册", "registration"),
    "theme.renewal": ("续展", "renewal"),
    "theme.madrid": ("马德里国际注册", "Madrid"),
}


# The one catalog: every feature registers its texts under its own namespace
# ("booking.confirm"); the core's own keys have none.
CATALOG: dict[str, tuple[str, str]] = {}


def t(key: str, lang: str, /, **values: Any) -> str:
    """The text `key` in `lang` ('en', otherwise Chinese), with `{placeholders}` filled."""
    zh, en = CATALOG[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


class Lookup(Protocol):
    """`t` bound to one feature's namespace."""

    def __call__(self, key: str, lang: str, /, **values: Any) -> str: ...


def catalog(namespace: str, texts: dict[str, tuple[str, str]]) -> Lookup:
    """Add a feature's texts to the catalog; returns `t` for that namespace."""
    prefix = f"{namespace}." if namespace else ""
    for key, pair in texts.items():
        if f"{prefix}{key}" in CATALOG:
            raise ValueError(f"text {prefix}{key} registered twice")
        CATALOG[f"{prefix}{key}"] = pair

    def lookup(key: str, lang: str, /, **values: Any) -> str:
        return t(f"{prefix}{key}", lang, **values)

    return lookup


catalog("", TEXTS)
