"""The booking skill: book, list, reschedule and cancel expert consultations in any channel.

State machine: bot/booking/flow.py (diagram bot/booking/booking.mmd); prompts: bot/booking/steps.py;
confirmations and asides: bot/booking/actions.py; rules, reminders, notices:
bot/booking/service.py. The state lives in `ctx.flow_data` (the database).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from bot.booking import actions as act
from bot.booking.flow import BookingState, advance, back, start
from bot.booking.format import day_label, expert_label, slot_time
from bot.booking.named import asks_for_someone, named_expert
from bot.booking.oneline import read_details
from bot.booking.service import BookingRefused, book, cancel, check_changeable, move
from bot.booking.slots import parse_key
from bot.booking.steps import active_experts, prompt, tz_of
from bot.booking.texts import bt
from bot.core.answers import NO_WORDS
from bot.core.answers import YES_WORDS as ANSWER_YES
from bot.core.choices import match_choice, read_day, read_time
from bot.core.contact import normalize_email, normalize_phone
from bot.core.context import Context
from bot.core.menu import CANCEL, GREETINGS, MENU, menu_choices
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.station import station_phone
from bot.core.understand import booking_topic
from bot.privacy.consents import record_booking_consents
from storage.bookings import Booking, get_booking
from storage.errors import SlotTaken
from storage.experts import SPECIALTIES, Expert

__all__ = ("BookingSkill",)

S = BookingState
START_WORDS = frozenset(
    {"预约专家", "预约", "预约咨询", "专家咨询", "预约专家咨询", "/book", "book", "booking"}
    | {"book an expert", "book a consultation", "book:start"}
)
MY_WORDS = frozenset(
    {"我的预约", "查看预约", "my bookings", "my booking", "/mybookings", "book:my"}
)
# One's own booking asked about in words ("我之前是不是约过一次 帮我看看还在不在", "is my
# appointment still on"): the list of them.
_MY_RE = re.compile(
    r"(我|我们)(之前|以前|上次|前几天|早先|已经|是不是|有没有|好像|还)*(约|预约)过"
    r"|(我|我们)(之前|上次)?(约|预约)的(那个|专家|时间)?(还在|还有效|是哪天|是几号|什么时候)"
    r"|(查|看)(一?下|看)?(我|我们)的预约"
    r"|\b(did|have) (i|we) (already )?(book|booked|make|made)\b.{0,30}\b(appointment|booking"
    r"|consultation|session|before|already)\b"
    r"|\b(is|are) (my|our) (booking|appointment|consultation)s? (still|on|confirmed|valid)\b",
    re.I,
)
BACK_WORDS = frozenset({"返回", "上一步", "back", "/back", "book:back"})
# Yes and no are the one vocabulary of bot/core/answers.py; the buttons add their payloads.
YES_WORDS = ANSWER_YES | {"book:confirm"}
NOTICE_YES = ANSWER_YES | {"book:notice:yes", "同意提醒"}
NOTICE_NO = NO_WORDS | {"book:notice:no"}
_CODE = r"(B-?[2-9A-HJ-NP-Z]{5})"
_CANCEL_RE = re.compile(
    rf"^(?:取消预约|取消|cancel booking|cancel|book:cancelcode:)\s*{_CODE}$", re.I
)
_MOVE_RE = re.compile(rf"^(?:改约|改期|reschedule|book:move:)\s*{_CODE}$", re.I)
_PUNCT_RE = re.compile(r"[\s!！。.,，~～]+$")
# "等等 我想改成下周二", "换个时间", "actually make it 10:30": the day or time chosen again.
_CHANGE_RE = re.compile(
    r"改成|改为|改到|换成|换到|换个|换一个|改一下|改个|改天|"
    r"\b(change|switch|instead|rather|make it|move it)\b",
    re.IGNORECASE,
)
_WHEN_RE = re.compile(r"时间|日期|哪天|时段|\b(time|date|day|slot)\b", re.IGNORECASE)
# Where the new day or time starts: "周三有事 能改到下周一下午吗" moves to Monday, not Wednesday.
_TO_RE = re.compile(
    r"改成|改为|改到|换成|换到|调到|挪到|推到|\b(?:change|move|switch)(?: it)? to\b|\bmake it\b",
    re.IGNORECASE,
)
# The steps after the slot: what is typed there would otherwise be taken as a name or question.
_AFTER_SLOT = frozenset({S.COMPANY, S.CONTACT, S.PHONE, S.QUESTION, S.NOTICE, S.CONFIRM})
# When the expert is free, asked at the day or time step.
_WHEN_STEPS = frozenset({S.DAY, S.SLOT, S.MOVE_DAY, S.MOVE_SLOT})
_FREE_ASK = re.compile(
    r"(哪天|哪一天|什么时候|几号|几点|哪个时间|哪些时间|最近|最早).{0,4}(有空|有时间|能约|可以约|方便|可约)"
    r"|(有空|有时间|能约|可约)的?(是)?(哪天|哪几天|什么时候|几点)"
    r"|\bwhen (is|are|does|do) (she|he|they|the expert|the lawyer)\b.{0,20}\b(free|available)\b"
    r"|\b(which|what) (days?|times?|slots?)\b.{0,20}\b(free|available|open)\b",
    re.IGNORECASE,
)
# The detail steps in order, with the field each fills.
_DETAIL_STEPS = (
    (S.COMPANY, "company"),
    (S.CONTACT, "contact"),
    (S.PHONE, "phone"),
    (S.QUESTION, "question"),
)
# A phone number or e-mail address, left out when asking whether a line is a question
# ("jason.li@example.com" holds no question, "0755-..." no "哪").
_CONTACT_RE = re.compile(r"\S+@\S+|[+\d][\d\s-]{6,}\d")


# A booking already made, changed or cancelled in words, without its code.
_MOVE_WORDS = re.compile(
    r"改约|改期|(改|换|调)(个|一下|一个)?(时间|日子|日期|天)"
    r"|(改|换|挪|调)到(周|星期|礼拜|下周|明天|后天|今天|\d|[一二三四五六七八九十]+号|上午|下午)"
    r"|reschedul|postpone|move (my|the|our) (booking|appointment|consultation)"
    r"|change (my|the|our) (booking|appointment|time|slot)|(a |another )?different (time|day)"
    # "can I move it to friday?", "push it to next week", "推迟到下周": moved to a day or time
    r"|\b(move|shift|push|change|switch) (it|that|this)( back| forward)? to\b"
    r"|\b(move|shift|push|change|switch)\b[^.?!]{0,25}\b(mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|(推迟|延后|延期|提前|往后推|往后挪)(到|一天|两天|一周|几天)",
    re.IGNORECASE,
)
_CANCEL_WORDS = re.compile(
    r"取消(我的|这个|那个)?预约|预约(不要|取消)了|不去了|去不了|来不了"
    r"|cancel (my|the|our) (booking|appointment|consultation)|can'?t (make it|come)",
    re.IGNORECASE,
)


def _manages(text: str) -> str | None:
    """ "cancel" or "move" when a message changes a booking made before, else None."""
    if _CANCEL_WORDS.search(text):
        return "cancel"
    return "move" if _MOVE_WORDS.search(text) else None


class Said(NamedTuple):
    """The user's message: as sent (or the pressed payload) and normalised for word matching."""

    text: str
    key: str


def _key(text: str) -> str:
    return _PUNCT_RE.sub("", text.strip().lower())


_MORNING = re.compile(r"上午|早上|早晨|\bmorning\b|\bam\b", re.I)
_AFTERNOON = re.compile(r"下午|午后|傍晚|\bafternoon\b|\bevening\b|\bpm\b", re.I)


def _part_of_day(text: str) -> str | None:
    """ "am" or "pm" when the message names one part of the day only."""
    am, pm = bool(_MORNING.search(text)), bool(_AFTERNOON.search(text))
    return "am" if am and not pm else "pm" if pm and not am else None


def _offers_day(ctx: Context, day: dt.date) -> bool:
    """Whether `day` is among the days the day step offers now."""
    return f"book:day:{day.isoformat()}" in {c.payload for c in prompt(ctx, S.DAY).choices}


class BookingSkill:
    """Owns the "booking" flow; also answers "my bookings" and cancel/reschedule by code."""

    name = "booking"

    def handle(self, ctx: Context) -> Outcome | None:
        text, key = ctx.text.strip(), _key(ctx.text)
        if ctx.flow == self.name:
            return self._in_flow(ctx, text, key)
        if key in START_WORDS:
            return self._start(ctx)
        if key in MY_WORDS or _MY_RE.search(text):
            return act.my_bookings(ctx)
        if m := _CANCEL_RE.match(text):
            return self._by_code(ctx, m.group(1), "cancel")
        if m := _MOVE_RE.match(text):
            return self._by_code(ctx, m.group(1), "move")
        if (mode := _manages(text)) is not None and (rows := act.upcoming(ctx)):
            # "我想改个时间", "取消预约", "can i reschedule" from someone with a booking: the one
            # booking changed, or the list of them to pick from.
            if len(rows) == 1:
                return self._by_code(ctx, rows[0].code, mode, said=text)
            return act.my_bookings(ctx)
        if text.startswith("book:"):  # a button of a finished or expired flow
            return self._stale_button(ctx, text)
        return None

    def _stale_button(self, ctx: Context, payload: str) -> Outcome:
        # A double-tapped Confirm finds the booking it just made; any other old button starts
        # nothing: it says so and offers a new booking.
        if payload.startswith("book:confirm"):
            recent = [
                b
                for b in act.upcoming(ctx)
                if (ctx.now - b.created_at.replace(tzinfo=ctx.now.tzinfo)).total_seconds() < 900
            ]
            if recent:
                text = bt("flow.already", ctx.lang, code=recent[-1].code)
                return act.out([Reply(text, intent="booking")], "duplicate")
        choices = (
            Choice(bt("flow.new", ctx.lang), "menu:book"),
            Choice(bt("flow.mine", ctx.lang), "book:my"),
        )
        reply = Reply(bt("flow.stale", ctx.lang), choices=choices, intent="booking")
        return act.out([reply], "expired")

    def _start(self, ctx: Context, notice: str | None = None) -> Outcome:
        ctx.flow = None
        rows, limit = act.upcoming(ctx), ctx.services.settings.booking_max_upcoming
        if len(rows) >= limit:
            return act.out([act.refused(ctx, BookingRefused("limit", count=len(rows), max=limit))])
        ctx.flow = self.name
        ctx.flow_data.update(state=start("book").value)
        first = prompt(ctx, S.TOPIC)
        if len(first.choices) <= 2:  # only back / cancel: no expert can be booked
            ctx.flow = None
            phone = station_phone(ctx.services.settings, ctx.lang)
            return act.out([Reply(ctx.t("book.unavailable", phone=phone), intent="booking")])
        replies = [Reply(notice, intent="booking"), first] if notice else [first]
        return act.out(replies, "started")

    def other_expert(self, ctx: Context) -> str | None:
        """The payload choosing another expert of the topic named at the day or time step
        ("go back, wang mingyuan instead"), with the flow put back at the expert step."""
        expert = named_expert(ctx.text, active_experts(ctx), asking=False)
        fd = ctx.flow_data
        if expert is None or expert.id == fd.get("expert") or fd.get("code"):
            return None
        if fd.get("topic") not in expert.specialties:
            return None
        fd.update(state=S.EXPERT.value, expert=None)
        return f"book:expert:{expert.id}"

    def names_expert(self, ctx: Context) -> bool:
        """Whether the message asks for one of the experts by name ("need li jing for ...")."""
        # Asked of every message outside a flow: the experts are read only for a request.
        if not asks_for_someone(ctx.text):
            return False
        return named_expert(ctx.text, active_experts(ctx)) is not None

    def start_with(self, ctx: Context, topic: str | None) -> Outcome:
        """Start booking from a request in the user's own words; a named expert, else a named
        topic, is preselected, and a day typed with the expert is taken too."""
        outcome = self._start(ctx)
        expert = named_expert(ctx.text, active_experts(ctx))
        if expert is not None and expert.specialties and ctx.flow == self.name:
            topic = topic or booking_topic(ctx.text, SPECIALTIES)
            chosen = topic if topic in expert.specialties else expert.specialties[0]
            ctx.flow_data.update(topic=chosen, expert=expert.id)
            outcome = self._next(ctx, S.EXPERT)
            day = read_day(ctx.text, ctx.today)
            if day is not None and _offers_day(ctx, day):
                # "约陈晓老师 周三上午": that day's times straight away.
                ctx.flow_data["day"] = day.isoformat()
                return self._next(ctx, S.DAY)
            if day is not None:
                # "今天上午能约李静律师吗" when she has no time today: said, with her days.
                text = bt("flow.day_not_offered", ctx.lang, day=day_label(day, ctx.lang))
                outcome.replies.insert(0, Reply(text, intent="booking"))
            return outcome
        if topic in SPECIALTIES and ctx.flow == self.name:
            ctx.flow_data.update(topic=topic, expert=None)
            return self._next(ctx, S.TOPIC)
        if ctx.flow == self.name and (named := self._expert_first(ctx, ctx.text)) is not None:
            return named  # "我想约下王明远老师": that expert's days
        return outcome

    def ask_again(self, ctx: Context) -> Reply | None:
        """The question of the current step (after an expired button)."""
        if ctx.flow != self.name:
            return None
        return prompt(ctx, BookingState(ctx.flow_data.get("state", S.TOPIC.value)))

    def first_slot_at(self, ctx: Context, at: dt.time, day: dt.date | None = None) -> str | None:
        """At the day step, the slot payload of the first offered day (or of `day`) free at
        `at` (the state moves to the slot step), or None."""
        state = BookingState(ctx.flow_data.get("state", S.DAY.value))
        days = [c.payload for c in prompt(ctx, state).choices if c.payload.startswith("book:day:")]
        if day is not None:
            days = [p for p in days if p == f"book:day:{day.isoformat()}"]
        stamp = f"{at:%H:%M}-"
        for payload in days:
            ctx.flow_data["day"] = payload.removeprefix("book:day:")
            slot_state = S.MOVE_SLOT if state is S.MOVE_DAY else S.SLOT
            for choice in prompt(ctx, slot_state).choices:
                if stamp in choice.label:
                    ctx.flow_data["state"] = slot_state.value
                    return choice.payload
        ctx.flow_data.pop("day", None)
        return None

    def _by_code(self, ctx: Context, raw: str, mode: str, said: str = "") -> Outcome:
        code = "B-" + raw.upper().removeprefix("B").removeprefix("-")
        booking = get_booking(session=ctx.session, code=code)
        owner = (ctx.state.channel, ctx.state.user_ref)
        if booking is None or (booking.channel, booking.user_ref) != owner:
            return act.out([Reply(bt("my.not_found", ctx.lang, code=code), intent="booking")])
        try:
            check_changeable(settings=ctx.services.settings, booking=booking, now=ctx.now)
        except BookingRefused as exc:
            return act.out([act.refused(ctx, exc)], exc.reason)
        ctx.flow = None
        ctx.flow = self.name
        first = start(mode)
        ctx.flow_data.update(state=first.value, code=code, expert=booking.expert_id)
        asked = prompt(ctx, first)
        if first is S.MOVE_DAY and said:
            moved = self._moved_to_named_day(ctx, booking, asked, said)
            if moved is not None:
                return moved
        return act.out([asked], "started")

    def _moved_to_named_day(
        self, ctx: Context, booking: Booking, asked: Reply, said: str
    ) -> Outcome | None:
        """ "can I move it to friday?": that day's times at once, or that the day has none;
        None when no day is named."""
        when = slot_time(booking.slot_start, booking.slot_end, tz_of(ctx), ctx.lang)
        head = bt("move.head", ctx.lang, code=booking.code, time=when)
        day = match_choice(said, asked.choices, ctx.today)
        if day is not None and day.startswith("book:day:"):
            moved = self._on_day(ctx, S.MOVE_DAY, Said(day, day))
            if moved is not None and moved.replies:
                return act.out([Reply(head, intent="booking"), *moved.replies], "started")
        named = read_day(said, ctx.today)
        if named is None:
            return None
        text = head + bt("flow.day_not_offered", ctx.lang, day=day_label(named, ctx.lang))
        return act.out([Reply(text, asked.choices, "booking")], "started")

    def _in_flow(self, ctx: Context, text: str, key: str) -> Outcome | None:
        state = BookingState(ctx.flow_data.get("state", S.TOPIC.value))
        if key in CANCEL or text == "book:cancel":
            return self._goto(ctx, S.CANCELLED)
        if key in BACK_WORDS:
            target = back(state, wechat=self._wechat(ctx))
            if target is S.EXPERT:
                ctx.flow_data["expert"] = None  # back to choose again: every expert of the topic
            return self._goto(ctx, target)
        if key in START_WORDS:
            return self._start(ctx)
        if (
            key in MY_WORDS | MENU | GREETINGS
            or _MY_RE.search(text)
            or _CANCEL_RE.match(text)
            or _MOVE_RE.match(text)
        ):
            ctx.flow = None  # the user went elsewhere: leave the flow
            return self.handle(ctx)
        if re.match(r"^[a-z_]+:", text) and not text.startswith("book:"):
            ctx.flow = None  # another feature's button (menu, FAQ): let it answer
            return None
        changed = self._change_of_mind(ctx, state, text)
        if changed is not None:
            return changed
        step = getattr(self, f"_on_{state.value}")
        outcome: Outcome | None = step(ctx, state, Said(text, key))
        if outcome is None and state in _WHEN_STEPS and _FREE_ASK.search(text):
            # "那她最近哪天有空", "what times does he have": the options of this step answer it.
            return act.out([prompt(ctx, state)])
        if outcome is None and ctx.interp is not None and ctx.interp.intent == "booking":
            # "ok, let's set up that consultation then" while booking: go on from this step.
            return act.out([prompt(ctx, state)])
        return outcome or act.aside(ctx, state) or act.hint(ctx, state)

    def _change_of_mind(self, ctx: Context, state: S, text: str) -> Outcome | None:
        """The day or time changed after the slot was picked ("等等 我想改成下周二"): chosen again
        (straight to the new slot when day and time are both free), then back to the step the
        user was at, instead of the words becoming their company name or question."""
        if state not in _AFTER_SLOT or not _CHANGE_RE.search(text):
            return None
        target = _TO_RE.split(text, maxsplit=1)[-1]  # the whole text when no change word
        day = read_day(target, ctx.today) or read_day(text, ctx.today)
        at = read_time(target) or read_time(text)
        if day is None and at is None and not _WHEN_RE.search(text):
            return None
        ctx.flow_data["resume"] = state.value
        if day is None and at is not None and ctx.flow_data.get("day"):
            day = dt.date.fromisoformat(ctx.flow_data["day"])  # same day, another time
        if at is not None:
            ctx.flow_data["state"] = S.DAY.value
            if payload := self.first_slot_at(ctx, at, day):
                return self._on_slot(ctx, S.SLOT, Said(payload, payload))
        next_state = S.DAY
        if day is not None and _offers_day(ctx, day):
            ctx.flow_data["day"], next_state = day.isoformat(), S.SLOT
        ctx.flow_data["state"] = next_state.value
        if day is not None and (next_state is S.DAY or at is not None):
            return act.hint(ctx, next_state)  # that day, or that time of it, is not free
        return act.out([prompt(ctx, next_state)])

    def _wechat(self, ctx: Context) -> bool:
        return ctx.state.channel == "wechat" and not ctx.flow_data.get("code")

    def _goto(self, ctx: Context, state: BookingState) -> Outcome:
        if state is S.CANCELLED:
            ctx.flow = None
            reply = Reply(bt("flow.cancelled", ctx.lang), menu_choices(ctx.lang), "booking")
            return act.out([reply], "cancelled")
        ctx.flow_data["state"] = state.value
        return act.out([prompt(ctx, state)])

    def _next(self, ctx: Context, state: BookingState) -> Outcome:
        resume = ctx.flow_data.pop("resume", None) if state is S.SLOT else None
        if resume:  # a new time chosen on the way: say so, back to the step the user was at
            fd = ctx.flow_data
            when = slot_time(parse_key(fd["slot"]), parse_key(fd["slot_end"]), tz_of(ctx), ctx.lang)
            fd["state"] = resume
            note = Reply(bt("change.done", ctx.lang, when=when), intent="booking")
            return act.out([note, prompt(ctx, BookingState(resume), echo=False)])
        if any(state is s for s, _ in _DETAIL_STEPS):
            # Details typed ahead in one line ("我叫王芳，电话138…" at the company step) are
            # not asked again.
            return self._goto(ctx, self._first_missing(ctx))
        done = bool(ctx.flow_data.get("question"))
        return self._goto(ctx, advance(state, wechat=self._wechat(ctx), details_done=done))

    def _first_missing(self, ctx: Context) -> BookingState:
        """The first detail step still unanswered, else the step after the details."""
        fd = ctx.flow_data
        for step, field in _DETAIL_STEPS:
            if not fd.get(field) and not (step is S.PHONE and fd.get("email")):
                return step
        return advance(S.QUESTION, wechat=self._wechat(ctx))

    def _pick(self, ctx: Context, state: S, text: str, key: str, prefix: str) -> str:
        # A pressed button (or a typed number) carries the payload; a typed label also counts.
        payload = text if text.startswith(prefix) else act.by_label(ctx, state, key) or ""
        return payload[len(prefix) :] if payload.startswith(prefix) else ""

    # -- one handler per state: None = not an answer to this step ---------------------------

    def _on_topic(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        topic = self._pick(ctx, state, said.text, said.key, "book:topic:")
        if (
            topic not in SPECIALTIES
            and not said.text.startswith("book:")
            and not act.QUESTION_RE.search(said.text)  # "续展要交多少钱" is answered instead
        ):
            # A topic in the clerk's words where experts were offered ("madrid"); the topic
            # step itself has the router read them first.
            topic = booking_topic(said.text, SPECIALTIES) or topic
        if topic not in SPECIALTIES:
            return self._expert_first(ctx, said.text) if state is S.TOPIC else None
        ctx.flow_data.update(topic=topic, expert=None)
        return self._next(ctx, state)

    def _expert_first(self, ctx: Context, text: str) -> Outcome | None:
        """An expert named before any topic ("李静" at the topic step): that expert, under
        their first topic, and their days next."""
        if text.startswith("book:"):
            return None
        experts = active_experts(ctx)
        names = [Choice(expert_label(e, ctx.lang), str(e.id)) for e in experts]
        found = match_choice(text, names, ctx.today)
        expert = next((e for e in experts if str(e.id) == found), None)
        if expert is None or not expert.specialties:
            return None
        ctx.flow_data.update(topic=expert.specialties[0], expert=expert.id)
        return self._next(ctx, S.EXPERT)

    def _on_expert(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        value = self._pick(ctx, state, said.text, said.key, "book:expert:")
        experts = act.experts_of(ctx)
        if value != "any" and value not in experts and not said.text.startswith("book:"):
            # "王老师那边可以": one of the experts offered, by surname and title.
            named = named_expert(said.text, list(experts.values()), asking=False)
            value = str(named.id) if named is not None else value
        if value != "any" and value not in experts:
            # Another topic named at this step ("续展" when Madrid was preselected from the
            # conversation): its experts are offered instead.
            return self._on_topic(ctx, S.TOPIC, said)
        ctx.flow_data["expert"] = "any" if value == "any" else experts[value].id
        return self._next(ctx, state)

    def _on_day(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        value = self._pick(ctx, state, said.text, said.key, "book:day:")
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return None
        ctx.flow_data["day"] = value
        # "tuesday afternoon", "周三上午": that part of the day's times (all when none is free).
        ctx.flow_data["part"] = _part_of_day(ctx.inbound.text)
        slot_state = S.MOVE_SLOT if state is S.MOVE_DAY else S.SLOT
        if not any(c.payload.startswith("book:slot:") for c in prompt(ctx, slot_state).choices):
            # "周四上午有空吗" when nobody is free on Thursday: say so, with the days that are.
            ctx.flow_data.pop("day", None)
            ctx.flow_data["state"] = state.value
            text = bt("flow.day_not_offered", ctx.lang, day=day_label(day, ctx.lang))
            return act.out([Reply(text, intent="booking"), prompt(ctx, state)], "hint")
        return self._next(ctx, state)

    _on_move_day = _on_day

    def _on_slot(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        value = self._pick(ctx, state, said.text, said.key, "book:slot:")
        typed = None if value or not ctx.flow_data.get("part") else read_time(said.text)
        if typed is not None:
            # "9:30 then" after the afternoon's times were shown: the whole day counts again.
            ctx.flow_data["part"] = None
            label = f"{typed:%H:%M}-"
            found = [c.payload for c in prompt(ctx, state).choices if label in c.label]
            value = found[0].removeprefix("book:slot:") if found else ""
        expert_id, _, stamp = value.partition(":")
        try:
            at = parse_key(stamp)
        except ValueError:
            return None
        slot = act.free_at(ctx, act.experts_of(ctx).get(expert_id), at)
        if slot is None:
            soon = at < ctx.now + dt.timedelta(hours=ctx.services.settings.booking_cutoff_hours)
            return act.lost(ctx, state, "slot.unavailable" if soon else "slot.taken")
        ctx.flow_data.update(
            slot=slot.key, slot_end=slot.end.strftime("%Y%m%dT%H%MZ"), slot_expert=slot.expert_id
        )
        return self._next(ctx, state)

    _on_move_slot = _on_slot

    def _on_company(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        if (taken := self._one_line(ctx, state, said.text)) is not None:
            return taken
        return act.take_text(ctx, state, said.text, "company") or self._next(ctx, state)

    def _on_contact(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        if (taken := self._one_line(ctx, state, said.text)) is not None:
            return taken
        return act.take_text(ctx, state, said.text, "contact") or self._next(ctx, state)

    def _one_line(self, ctx: Context, state: S, text: str) -> Outcome | None:
        """Company, contact person and phone or e-mail typed in one line ("宁波海川电器 王女士
        13857401122"): each taken, said back (the phone or e-mail with its consent note), and
        the next step still missing asked; None for a plain answer to this step."""
        got = read_details(text, company_wanted=state is S.COMPANY)
        if got is None or act.QUESTION_RE.search(_CONTACT_RE.sub("", text)):
            return None
        fd, lang = ctx.flow_data, ctx.lang
        said: list[str] = []
        for field, value in (("company", got.company), ("contact", got.contact)):
            if value and len(value) <= act.MAX_TEXT[field]:
                fd[field] = value
                said.append(bt(f"details.{field}", lang, value=value))
        contact = got.phone or got.email
        if contact:
            fd.update(phone=got.phone or "", email=got.email, phone_consent_at=ctx.now.isoformat())
            kind = "details.phone" if got.phone else "details.email"
            said.append(bt(kind, lang, value=got.typed or contact))
        fd["state"] = self._first_missing(ctx).value
        lines = [bt("details.taken", lang, fields=("；" if lang != "en" else "; ").join(said))]
        if contact:
            lines += [bt("phone.note", lang), bt("phone.withdraw", lang)]
        note = Reply("\n".join(lines), intent="booking")
        return act.out([note, prompt(ctx, BookingState(fd["state"]), echo=False)])

    def _on_question(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        # The one-line question for the expert is kept as it is, question mark and all.
        outcome = act.take_text(ctx, state, said.text, "question", questions=False)
        return outcome or self._next(ctx, state)

    def _on_phone(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        phone = normalize_phone(said.text)  # mainland mobiles, or any country's in E.164
        email = None if phone else normalize_email(said.text)  # or an e-mail address
        if phone is None and email is None:
            if act.QUESTION_RE.search(said.text) and (answered := act.aside(ctx, state)):
                return answered
            reply = Reply(bt("phone.invalid", ctx.lang), intent="booking")
            return act.out([reply, prompt(ctx, state)], "invalid")
        ctx.flow_data.update(phone=phone or "", email=email, phone_consent_at=ctx.now.isoformat())
        return self._next(ctx, state)

    def _on_notice(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        if said.key not in NOTICE_YES | NOTICE_NO:
            return None
        ctx.flow_data["notice"] = said.key in NOTICE_YES
        act.record_consent(ctx, granted=said.key in NOTICE_YES)
        return self._next(ctx, state)

    def _on_confirm(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        if said.key not in YES_WORDS:
            return None
        fd = ctx.flow_data
        expert = ctx.session.get(Expert, fd["slot_expert"])
        assert expert is not None
        details = act.details(ctx)
        try:
            booking = book(
                session=ctx.session,
                settings=ctx.services.settings,
                now=ctx.now,
                expert=expert,
                start=parse_key(fd["slot"]),
                details=details,
                address=str(ctx.inbound.extras.get("address") or "") or None,
            )
        except SlotTaken:
            return act.lost(ctx, state, "slot.taken")
        except BookingRefused as exc:
            if exc.reason in ("unavailable", "inactive"):
                return act.lost(ctx, state, "slot.unavailable")
            ctx.flow = None
            return act.out([act.refused(ctx, exc)], exc.reason)
        record_booking_consents(ctx, booking)  # PIPL: phone and reminders, with time and channel
        return act.done(ctx, booking, expert, "confirmed")

    def _on_move_confirm(self, ctx: Context, state: S, said: Said) -> Outcome | None:
        if said.key not in YES_WORDS:
            return None
        fd = ctx.flow_data
        booking = get_booking(session=ctx.session, code=fd["code"])
        expert = ctx.session.get(Expert, fd["slot_expert"])
        assert booking is not None and expert is not None
        try:
            move(
                session=ctx.session,
                settings=ctx.services.settings,
                now=ctx.now,
                booking=booking,
                expert=expert,
                start=parse_key(fd["slot"]),
            )
        except SlotTaken:
            return act.lost(ctx, state, "slot.taken")
        except BookingRefused as exc:
            if exc.reason == "unavailable":
                return act.lost(ctx, state, "slot.unavailable")
            ctx.flow = None
            return act.out([act.refused(ctx, exc)], exc.reason)
        return act.done(ctx, booking, expert, "move.done")

    def _on_cancel_confirm(self, ctx: Context, _state: S, said: Said) -> Outcome | None:
        if said.key not in YES_WORDS:
            return None
        booking = get_booking(session=ctx.session, code=ctx.flow_data["code"])
        assert booking is not None
        expert = ctx.session.get(Expert, booking.expert_id)
        assert expert is not None
        ctx.flow = None
        try:
            cancel(
                session=ctx.session,
                settings=ctx.services.settings,
                now=ctx.now,
                booking=booking,
                expert=expert,
            )
        except BookingRefused as exc:
            return act.out([act.refused(ctx, exc)], exc.reason)
        done = bt("cancel.done", ctx.lang, code=booking.code)
        return act.out([Reply(done, menu_choices(ctx.lang), "booking")], "cancelled")
