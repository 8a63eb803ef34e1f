"""The handoff skill: open a ticket for station staff, relay while a person is on it, take ratings.

It is asked first. While the conversation's status is "human" it owns every message: the
message is added to the ticket and staff are told, and the bot stays quiet except for one
notice. Offers of staff after weak answers are made by `OfferingFaq` (bot/handoff/offer.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlmodel import col, select

from bot.core.answers import NO_WORDS, YES_WORDS, answer_key
from bot.core.contact import find_company, find_contact
from bot.core.context import Context
from bot.core.hours import StationHours
from bot.core.menu import GREETINGS, HELP, MENU
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.station import station_phone
from bot.handoff import files, helpdesk, talkback
from bot.handoff.texts import ht
from bot.privacy.consents import record_contact_consent
from storage.models import ChatMessage, QuestionLog
from storage.tickets import Ticket, TicketStatus, active_ticket, rateable_ticket

__all__ = ("HandoffSkill",)


def _words(spaced: str, *phrases: str) -> frozenset[str]:
    return frozenset((*spaced.split(), *phrases))


HUMAN = _words(
    "人工 转人工 人工服务 人工客服 客服 找人工 真人 工作人员 联系工作人员 转接人工 "
    "human agent /human staff operator person menu:human handoff:open",
    "talk to staff",
    "talk to a human",
    "real person",
)
# Only phrases that cannot be a question about staff ("人工服务时间" asks for opening hours).
_HUMAN_RE = re.compile(
    r"转接?人工(?:客服|服务)?|找人工|(?:please\s+)?(?:transfer|talk|speak|connect)(?:\s+me)?"
    r"\s+(?:to|with)\s+(?:a\s+)?(?:human|person|staff|someone)",
    re.IGNORECASE,
)
# What is left of "我要转人工" / "I want to talk to a human" once the request is taken out.
_FILLER_RE = re.compile(
    r"我要|我想|想要|请|帮我|麻烦|给我|你们的?|工作人员|真人|人工|客服|通个?话|聊聊?|说话|联系|找|转接?"
    r"|\b(i|want|would|like|to|please|can|could|a|an|the|someone|somebody|real|person|human"
    r"|talk|speak|with|at|station|staff|me|need|i'?d|let|get|connect|put|through|transfer)\b",
    re.IGNORECASE,
)
# What a request may say besides asking that states no problem: whether anyone is there, that
# the bot did not help, how urgent it is, filler ("有真人吗 机器人说不明白", "can i get an actual
# person on this? kinda urgent", "转人工吧").
_NO_PROBLEM_RE = re.compile(
    r"有没有|有吗|在吗|在不在|机器人|智能客服|\bai\b|说不(明白|清楚|懂)|听不懂|看不懂|不明白|没听懂"
    r"|(领导|老板|老总|经理|主管|上级)(让|叫|要)(我|我们)|答非所问|答不上来?|没用|太笨|不靠谱|不行|搞不定|解决不了|(很|挺|比较|非常|特别|有点)?(着)?急的?"
    r"|赶紧|尽快|马上|立刻|快点|加急|紧急|一下|一个|吧|啊|呀|呢|吗|哈|嘛|行|好的?|那|就|还是|直接|谢谢|有|个|下"
    r"|这个|这事|这些|刚才|我们?|想|要|问问?|能不能|可以|能"
    r"|\b(actual|actually|real|live|on|this|that|it|kinda|kind|of|pretty|really|very|super|so|urgent"
    r"|urgently|asap|quick|quickly|now|right|away|thanks|thank|you|your|the|bot|robot|chatbot"
    r"|useless|not|isn'?t|doesn'?t|does|don'?t|understand|helping|help(ful)?|ok|okay|just|hi|hello"
    r"|hey|anyone|anybody|there|is|are|one|instead|rather|pls|plz|here|for|do|have|has|any|or)\b",
    re.IGNORECASE,
)
# A request pointing back at what was just answered ("还是转人工吧", "这个我还是想问问人工",
# "i'd rather talk to a person"): that question is the matter, answered or not.
_REFERS_BACK_RE = re.compile(
    r"还是|这个|这事|这些|这种|刚才|上面|\b(rather|instead|this|that|it|still)\b", re.IGNORECASE
)
CLOSE = _words("结束 结束人工 结束服务 done /done end /end /cancel cancel 取消 退出")
CANCEL = _words("取消 cancel /cancel 算了 不用了 退出 quit")
# The one yes-or-no vocabulary (bot/core/answers.py) and this question's own words and buttons.
YES = YES_WORDS | _words("agree consent:yes")
NO = NO_WORDS | _words("不同意 不可以 n disagree consent:no")
URGENT = ("紧急", "加急", "急", "截止", "明天到期", "urgent", "asap", "deadline")
_PUNCT_RE = re.compile(r"[\s!！。.,，~～?？]+$")
_RATING_RE = re.compile(r"^(?:rate:)?([1-5])\s*(?:分|星|stars?)?$")
_PAYLOAD_RE = re.compile(r"^[a-z_]+:[\w:.-]*$")
MENU_WORDS = frozenset((*MENU, *GREETINGS, *HELP))
RATING_WINDOW = dt.timedelta(days=3)
RECENT_QUESTION = dt.timedelta(minutes=30)
WECHAT_WINDOW = dt.timedelta(hours=48)  # customer-service messages after the user's last one


def _key(text: str) -> str:
    return _PUNCT_RE.sub("", text.strip().lower())


# The request dropped at the start of a message that goes on with a question of its own.
_DROP_HEAD_RE = re.compile(
    r"^\s*(?:(?:actually|oh|hmm|ok|okay|well|wait|sorry)[\s,，]*)*"
    r"(?:never ?mind|nvm|forget it|forget that|no need|算了|不用了|不用转了|先不用了|还是不用了)"
    r"[\s,，。.!！:：;；-]*(?:(?:quick one|one thing|just|问一下|问个事|我就问)[\s,，:：]*)?",
    re.IGNORECASE,
)


_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_WORD_RE = re.compile(r"[A-Za-z]{2,}")
_CLAUSE_RE = re.compile(r"[，,。.!！;；:：]\s*")


def _question_of(text: str) -> str:
    """The user's question in a handoff request, never cut inside a clause."""
    parts = _CLAUSE_RE.split(text.strip(), maxsplit=1)
    if len(parts) == 2:
        head, tail = parts
        asks = _HUMAN_RE.search(head) or any(
            word in head.lower() for word in HUMAN if len(word) > 1
        )
        if asks and len(_FILLER_RE.sub("", head).strip()) < 2 and len(tail.strip()) >= 4:
            return tail.strip()
    return text.strip()


def _drops_for_question(text: str) -> bool:
    """Whether the message drops the request and goes on with a question of its own."""
    dropped = _DROP_HEAD_RE.match(text)
    return dropped is not None and _is_question(text[dropped.end() :])


def _is_question(text: str) -> bool:
    """Whether a message says enough to be a ticket's question: words, not noise."""
    return len(set(_CJK_RE.findall(text))) >= 3 or len(_WORD_RE.findall(text)) >= 2


def _said(outcome_replies: list[Reply], intent: str, outcome: str, **kw: Any) -> Outcome:
    return Outcome(outcome_replies, intent, outcome, log=False, **kw)


class HandoffSkill:
    """Escalation to station staff (issue 6)."""

    name = "handoff"

    def handle(self, ctx: Context) -> Outcome | None:
        if ctx.state.status == "human":
            return self._while_human(ctx)
        key = _key(ctx.text)
        if ctx.flow == self.name:
            return self._intake(ctx, key)
        if key in HUMAN or _HUMAN_RE.search(key):
            return self._request(ctx, key)
        return self._rating(ctx, key)

    # -- asking for a person -------------------------------------------------------------

    def request(self, ctx: Context) -> Outcome:
        """A person asked for in the user's own words (the router's intent hook)."""
        return self._request(ctx, _key(ctx.text))

    def _request(self, ctx: Context, key: str) -> Outcome:
        ticket = active_ticket(
            session=ctx.session, channel=ctx.state.channel, user_ref=ctx.state.user_ref
        )
        if ticket is not None:  # status drifted (e.g. restored backup): trust the ticket
            ctx.state.status = "human"
            return _said(
                [Reply(ht("already_open", ctx.lang, number=ticket.number))], "handoff", "handled"
            )
        offer = ctx.data.pop("handoff_offer", None)
        rest = _FILLER_RE.sub("", _HUMAN_RE.sub("", ctx.text)).strip(" ，,。.!！:：;；-?？")
        if key not in HUMAN and len(rest) >= 4 and _is_question(_NO_PROBLEM_RE.sub(" ", rest)):
            # "我要转人工，我的商标被驳回了怎么办" carries the question: the clause after the
            # request, as typed; a request inside one sentence keeps the whole sentence.
            return self._open(ctx, _question_of(ctx.text), "asked")
        # The button or a bare "人工" takes the offer as made; a request in the user's own words
        # ("想跟你们工作人员通个话") is the user asking, whatever the earlier answers were.
        typed = key not in HUMAN
        if offer and ctx.now - dt.datetime.fromisoformat(offer["at"]) < RECENT_QUESTION:
            # Asked for in words, the reason is the user's request, not the weak answer.
            reason = "asked" if typed else offer["reason"]
            return self._open(ctx, offer["question"], reason, offer["category"], offer["priority"])
        recent = self._recent_question(ctx, bool(_REFERS_BACK_RE.search(ctx.text)))
        if recent is not None:
            return self._open(ctx, recent.question, "asked", self._category(ctx, recent.faq_id))
        ctx.flow = self.name
        if any(word in ctx.text.lower() for word in URGENT):
            ctx.flow_data["urgent"] = True  # "kinda urgent": the ticket the answer opens is
        return _said([Reply(ht("ask_question", ctx.lang))], "handoff", "asked")

    def ask_again(self, ctx: Context) -> Reply | None:
        """The request for the question, while a ticket waits for it."""
        return Reply(ht("ask_question", ctx.lang)) if ctx.flow == self.name else None

    def _intake(self, ctx: Context, key: str) -> Outcome | None:
        # Any cancel word of the understanding ("取消吧", "不用转了", "never mind") withdraws
        # the request before a ticket exists; it is never the question for staff.
        if key in CANCEL or (ctx.interp is not None and ctx.interp.intent == "cancel"):
            ctx.flow = None
            return _said([Reply(ht("cancelled", ctx.lang))], "handoff", "cancelled")
        if _drops_for_question(ctx.text):
            # "actually never mind, quick one: does a licence have to be recorded?": the request
            # is dropped and the question answered, as at a desk.
            ctx.flow = None
            return None
        # Someone who only repeats "人工" wants a person, not a form: open it anyway.
        question = "（用户未说明问题 / no question given）" if key in HUMAN else ctx.text
        priority = "high" if ctx.flow_data.get("urgent") else "normal"
        return self._open(ctx, question, "asked", priority=priority)

    def _recent_question(self, ctx: Context, refers_back: bool) -> QuestionLog | None:
        query = (
            select(QuestionLog)
            .where(
                QuestionLog.channel == ctx.state.channel,
                QuestionLog.user_ref == ctx.state.user_ref,
                col(QuestionLog.intent).in_(["faq", "suggest", "unknown", "tool"]),
                col(QuestionLog.created_at) >= ctx.now - RECENT_QUESTION,
            )
            .order_by(col(QuestionLog.id).desc())
            .limit(5)
        )
        # The last message that can stand as a question for staff, not "哈哈哈" or "123".
        rows = list(ctx.session.exec(query))
        last = next((q for q in rows if _is_question(q.question)), None)
        if (
            last is not None
            and last is rows[0]
            and last.outcome == "answered"
            and last.feedback != "not_useful"
            and not refers_back
        ):
            # Answered (not rated unhelpful) just before a request that does not point back at
            # it: not the user's problem; the request asks what is. After a turn that failed
            # ("123"), or with "还是"/"rather", it stays the matter.
            return None
        return last

    def _category(self, ctx: Context, faq_id: str | None) -> str:
        entry = ctx.services.index.get(ctx.session).resolve(faq_id, ctx.today) if faq_id else None
        return entry.theme if entry is not None else "general"

    def _open(
        self,
        ctx: Context,
        question: str,
        reason: str,
        category: str = "general",
        priority: str = "normal",
    ) -> Outcome:
        ctx.flow = None
        if any(word in question.lower() for word in URGENT):
            priority = "high"
        # A phone or e-mail given with the request ("请回电 13512345678 刘先生"): kept from the
        # ticket until the user agrees, and asked about at once.
        contact = find_contact(question)
        if contact is not None and not contact.valid:
            contact = None
        if contact is not None:
            question = question.replace(contact.raw, contact.masked)
            self._redact(ctx, contact.raw, contact.masked)
        try:
            ticket = helpdesk.open_ticket(
                session=ctx.session,
                settings=ctx.services.settings,
                now=ctx.now,
                state=ctx.state,
                chat_ref=ctx.inbound.chat_ref,
                question=question,
                reason=reason,
                category=category,
                priority=priority,
                user_name=str(ctx.inbound.extras.get("user") or "") or None,
            )
        except helpdesk.TicketQuota as exc:
            text = ht(
                "quota", ctx.lang, max=exc.max, phone=station_phone(ctx.services.settings, ctx.lang)
            )
            return Outcome([Reply(text, intent="handoff")], "handoff", "quota")
        for stale in ("handoff_offer", "handoff_consent", "last_feedback"):
            ctx.data.pop(stale, None)
        ctx.data["low_streak"] = 0
        text = ht("opened", ctx.lang, number=ticket.number, when=self._when(ctx, ticket))
        if contact is not None:
            ctx.data["handoff_consent"] = contact.as_dict()
            kind = ht(f"kind.{contact.kind}", ctx.lang)
            text += "\n" + ht("consent", ctx.lang, kind=kind, masked=contact.masked)
        else:
            text += ht("opened.contact", ctx.lang)
        text += "\n" + ht("opened.end", ctx.lang)
        return Outcome(
            [Reply(text, intent="handoff")],
            "handoff",
            "opened",
            result={"ticket": ticket.number, "status": ticket.status, "reason": reason},
            log=not _PAYLOAD_RE.match(ctx.text),
        )

    def _when(self, ctx: Context, ticket: Ticket) -> str:
        hours = StationHours.from_settings(ctx.services.settings)
        due = hours.describe(ticket.first_response_due, ctx.lang, ctx.now)
        if hours.is_open(ctx.now):
            text = ht("when.open", ctx.lang, due=due)
        else:
            opens = hours.describe(hours.next_opening(ctx.now), ctx.lang, ctx.now)
            schedule = hours.schedule(ctx.lang)
            text = ht("when.closed", ctx.lang, schedule=schedule, opens=opens, due=due)
        if ctx.state.channel == "wechat" and ticket.first_response_due - ctx.now > WECHAT_WINDOW:
            # Honest about the weekend: a reply after 48 hours needs the user to write first.
            text += ht("when.wechat_window", ctx.lang, due=due)
        return text

    # -- while a person is on it ----------------------------------------------------------

    def _while_human(self, ctx: Context) -> Outcome | None:
        ticket = active_ticket(
            session=ctx.session, channel=ctx.state.channel, user_ref=ctx.state.user_ref
        )
        if ticket is None:  # staff finished it meanwhile: the bot answers again
            ctx.state.status = "bot"
            return None
        key, lang = _key(ctx.text), ctx.lang
        settings = ctx.services.settings
        closing = key in CLOSE
        said = answer_key(ctx.text)  # "好的谢谢": a yes
        # "不用了" to "是否同意保存？" declines saving the number, not the whole request
        consent = "handoff_consent" in ctx.data and (said in YES or said in NO)
        if closing or (not consent and self._withdrawn(ctx, ticket)):
            helpdesk.close_by_user(
                session=ctx.session, settings=settings, ticket=ticket, state=ctx.state, now=ctx.now
            )
            ctx.data.pop("handoff_consent", None)
            text = ht("closed_by_user" if closing else "withdrawn", lang, number=ticket.number)
            choices: tuple[Choice, ...] = ()
            if ticket.rating_requested_at is not None:  # only once staff had answered
                text += "\n" + ht("rate_prompt", lang)
                choices = tuple(Choice(label, p) for label, p in helpdesk.RATE_CHOICES)
            outcome = "closed" if closing else "withdrawn"
            return _said([Reply(text, choices=choices, intent="handoff")], "handoff", outcome)
        if not consent and self._goes_elsewhere(ctx, ticket):
            # "算了 还是约个专家当面聊吧", "actually never mind, quick one: ...": before staff took
            # it, the request is dropped for what the user asks now; the router answers that,
            # after this note.
            helpdesk.close_by_user(
                session=ctx.session, settings=settings, ticket=ticket, state=ctx.state, now=ctx.now
            )
            ctx.data.pop("handoff_consent", None)
            ctx.state.status = "bot"
            ctx.data["handoff_left"] = ht("withdrawn.for", lang, number=ticket.number)
            return None
        if key in MENU_WORDS:  # the menu still works, and says where the ticket stands
            shown = talkback.menu_with_state(ctx, ticket)
            if shown is not None:
                return shown
        if _PAYLOAD_RE.match(ctx.text) and key not in YES and key not in NO:
            # An old button (an FAQ entry, the menu) pressed mid-handoff: nothing for staff.
            already = ht("already_open", lang, number=ticket.number)
            return _said([Reply(already, intent="handoff")], "handoff", "handled")
        pending = ctx.data.pop("handoff_consent", None)
        if pending and consent:
            if said in YES:
                ticket.contact, ticket.contact_kind = pending["value"], pending["kind"]
                ticket.contact_consent_at = ctx.now
                ctx.session.add(ticket)
                record_contact_consent(ctx, ticket.number)  # PIPL: time, channel, purpose
                return _said(
                    [Reply(ht("consent_yes", lang, masked=pending["masked"]))], "handoff", "consent"
                )
            return _said([Reply(ht("consent_no", lang))], "handoff", "consent")
        text = ctx.text
        notice = None
        contact = find_contact(text)
        if contact is not None and contact.valid:
            # Not stored until the user agrees: the transcript keeps only the masked form.
            text = self._redact(ctx, contact.raw, contact.masked)
            ctx.data["handoff_consent"] = contact.as_dict()
            kind = ht(f"kind.{contact.kind}", lang)
            notice = ht("consent", lang, kind=kind, masked=contact.masked)
        elif contact is not None:
            notice = ht("bad_phone", lang, value=contact.raw)
        attached = files.queue_fetch(ctx, ticket)  # a photo or file staff asked for
        if attached is not None:
            text = f"{attached} {text}".strip()
            notice = notice or ht("file_forwarded", lang, number=ticket.number)
        company = find_company(text)
        if company and notice is None:
            ticket.company = company
            notice = ht("company_saved", lang, company=company)
        helpdesk.user_wrote(
            session=ctx.session, settings=settings, ticket=ticket, text=text, now=ctx.now
        )
        if notice is None and talkback.ack_due(ctx):
            notice = talkback.acknowledgement(ctx, ticket)
        elif contact is not None and _says_more(ctx.text, contact.raw) and talkback.ack_due(ctx):
            # "it's about our madrid filing ... my number is 138...": the question went to staff
            # too, which is said before the number is asked about.
            notice = f"{talkback.acknowledgement(ctx, ticket)}\n{notice}"
        replies = [Reply(notice, intent="handoff")] if notice else []
        return _said(replies, "handoff", "relayed", result={"ticket": ticket.number})

    @staticmethod
    def _goes_elsewhere(ctx: Context, ticket: Ticket) -> bool:
        """A booking asked for, or the request dropped for a question of the user's own, while
        no staff member has taken the ticket yet."""
        if ticket.status != TicketStatus.OPEN or ticket.first_response_at is not None:
            return False
        if ctx.interp is not None and ctx.interp.intent == "booking":
            return True
        return _drops_for_question(ctx.text)

    @staticmethod
    def _withdrawn(ctx: Context, ticket: Ticket) -> bool:
        """ "算了不用了" / "actually never mind" before any staff member took the ticket withdraws
        the request, as it would at a desk; once staff are on it, the same words are part of the
        conversation with them and are relayed."""
        return (
            ctx.interp is not None
            and ctx.interp.intent == "cancel"
            and ticket.status == TicketStatus.OPEN
            and ticket.first_response_at is None
        )

    def _redact(self, ctx: Context, raw: str, masked: str) -> str:
        ctx.session.flush()
        query = (
            select(ChatMessage)
            .where(
                ChatMessage.channel == ctx.state.channel,
                ChatMessage.user_ref == ctx.state.user_ref,
                ChatMessage.direction == "in",
            )
            .order_by(col(ChatMessage.id).desc())
        )
        line = ctx.session.exec(query).first()
        if line is not None:
            line.text = line.text.replace(raw, masked)
            ctx.session.add(line)
        return ctx.text.replace(raw, masked)

    # -- after it ------------------------------------------------------------------------

    def _rating(self, ctx: Context, key: str) -> Outcome | None:
        match = _RATING_RE.match(key)
        if match is None:
            return None
        ticket = rateable_ticket(
            session=ctx.session,
            channel=ctx.state.channel,
            user_ref=ctx.state.user_ref,
            since=ctx.now - RATING_WINDOW,
        )
        if ticket is None:
            return None
        helpdesk.rate(session=ctx.session, ticket=ticket, rating=int(match.group(1)), now=ctx.now)
        return _said(
            [Reply(ht("rated", ctx.lang))], "handoff", "rated", result={"ticket": ticket.number}
        )


def _says_more(text: str, contact: str) -> bool:
    """Whether a message holds more than contact details: a question or an account of the case
    ("it's about our madrid filing ... my number is 138..."), not "张主任 158..."."""
    rest = text.replace(contact, " ")
    words = re.findall(r"[a-zA-Z]+", rest)
    cjk = re.findall(r"[\u4e00-\u9fff]", rest)
    return len(words) >= 6 or len(cjk) >= 10
