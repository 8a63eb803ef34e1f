"""Route: the one place that decides who handles a message.

Order (CONVERSATION-NOTES, "a routing order that works"):
1. nothing to read; a number picking one of the options just shown;
2. a person is on the conversation: the handoff skill owns every message;
3. a button of a step that is no longer current: "that choice has expired", the step again;
4. global interrupts: a handoff request wins over any flow; cancel words end the flow;
5. the active flow's own answer (typed choices read against the options offered first);
   a flow that does not take the message has it answered by the others and asks again;
6. a booking asked for in the user's own words (topic carried), a tool follow-up;
7. the skills in registration order (bot/core/skills.py); the FAQ answers what is left.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.core.answers import is_yes
from bot.core.asking import asks, asks_question
from bot.core.choices import (
    match_choice,
    offered,
    ordinal_of,
    read_day,
    read_new_day,
    read_time,
)
from bot.core.contact import find_contact
from bot.core.context import Context
from bot.core.menu import menu_choices
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome, Skill, Skills
from bot.core.texts import t
from bot.core.understand import (
    Interpretation,
    booking_topic,
    subjects_of,
    topic_of_subject,
)
from storage.experts import SPECIALTIES

__all__ = ("Router", "expired")

_OTHER_DAY = re.compile(
    r"换个?(日子|天|日期)|换一天|别的(日子|天)|其他(日子|天)|改天|another day|different day|other day"
    # None of the times offered suits: the days again ("这几个时间都不太行", "none of these work").
    r"|都不(太)?(行|合适|方便|可以)|都没空|没有合适|none of (these|them|those)|neither (works|suits)"
    r"|(don'?t|doesn'?t|do not|does not) (work|suit)",
    re.IGNORECASE,
)
# Another expert asked for once the days or times are shown ("还是换个专家吧", "can i pick a
# different expert"): the expert step again.
_OTHER_EXPERT = re.compile(
    r"(换|改)(个|一个|一位|位)?(专家|老师|律师|人)|(别的|其他|其它)(专家|老师|律师)"
    r"|(different|another|other) (expert|adviser|advisor|lawyer|person)",
    re.IGNORECASE,
)
_ANY_DAY = re.compile(
    r"哪天|哪一天|日子|什么时候|哪个时间|any ?(day|date|time)|whenever"
    # the soonest asked for: the first day too ("最早的那个" at the expert step)
    r"|最早|最快|越快越好|越早越好|尽快|尽早|asap|soonest|earliest|first available"
    # whoever is free first ("哪个老师时间早就约哪个", "谁早约谁")
    r"|(时间|哪个|哪位|谁)\S{0,4}早(?![上晨])",
    re.I,
)
# The answer taken back within the message ("9号要开会 换成下周一吧", "tue.. no wait, thu is
# better"): what follows the last of these words is the answer.
_TAKEN_BACK = re.compile(
    r"换成|改成|改到|换到|改为|不对|哦不|no wait|wait no|\bno,? (make it|let'?s do)\b|\bmake it\b"
    r"|\bactually\b|\bi mean\b|\b(change|switch) (it )?to\b|\binstead\b",
    re.IGNORECASE,
)
_CORRECTION = re.compile(
    r"不对|不是|其实|改成|换成|还是|我是想|想问|应该是|actually|instead|rather|no,|not that|i meant",
    re.IGNORECASE,
)

# "取消预约" with no flow is about a booking already made: the booking skill's to answer.
_OWN_BOOKING = re.compile(r"预约|booking|appointment|^/", re.I)
_PICK_RE = re.compile(r"^\s*(\d{1,2})\s*[.、)）]?\s*$")
_PAYLOAD_RE = re.compile(r"^[a-z_]+:[\w:.-]*$")
# Booking payloads each step accepts; any other booking payload is a button of another step.
_STEP_PAYLOADS = {
    "topic": ("book:topic:",),
    "expert": ("book:expert:",),
    "day": ("book:day:",),
    "move_day": ("book:day:",),
    "slot": ("book:slot:",),
    "move_slot": ("book:slot:",),
    "notice": ("book:notice:",),
    "confirm": ("book:confirm",),
    "move_confirm": ("book:confirm",),
    "cancel_confirm": ("book:confirm",),
}
# A question that names a day ("周四有空吗", "is li jing free on thursday"): not a day chosen.
_QUESTION_TAIL = re.compile(
    r"吗|么|呢|\b(is|are|does|do|can) (she|he|they|li|wang|chen|zhao)\b", re.I
)
_DETAIL_STEPS = frozenset({"company", "contact", "phone"})
# Steps that offer experts, days or times to pick from.
_PICK_STEPS = frozenset({"expert", "day", "slot", "move_day", "move_slot"})
# Booking steps where "好的" / "ok" is the answer (yes), not small talk.
_YES_STEPS = frozenset({"notice", "confirm", "move_confirm", "cancel_confirm", "consent"})
_ALWAYS = ("book:back", "book:cancel", "book:start", "book:my", "book:cancelcode:", "book:move:")


def expired(ctx: Context) -> Reply:
    """The notice for a button that belongs to an earlier step."""
    return Reply(t("choice.expired", ctx.lang), intent=ctx.flow or "command")


def _has_words(text: str) -> bool:
    import unicodedata

    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


class Router:
    """Decides, for each message, which skill handles it."""

    def __init__(self, skills: Skills) -> None:
        self.skills = skills  # the registry: skills in order plus typed entry points

    def _skill(self, name: str) -> Skill | None:
        return self.skills.named(name)

    def route(self, ctx: Context, interp: Interpretation) -> Outcome:
        """The outcome of one message."""
        # A file without words still matters to staff during a handoff (bot/handoff/files.py).
        with_file = bool(ctx.inbound.extras.get("file_id")) and ctx.state.status == "human"
        if not _has_words(ctx.text) and not with_file:
            # A known emoji ("👍", "😂") is an acknowledgement like "ok"; anything else is empty.
            small = self._skill("smalltalk") if ctx.text.strip() else None
            known = small.handle(ctx) if small is not None else None
            if known is not None:
                return known
            return Outcome([Reply(ctx.t("empty"), intent="smalltalk")], "smalltalk", "empty")
        payloads = ctx.data.get("choices") or []
        match = _PICK_RE.match(ctx.text)
        ordinal = ordinal_of(ctx.text) if payloads and not match else None
        if ordinal is not None and ordinal <= len(payloads):
            ctx.text = payloads[ordinal - 1]  # "第二个" picks the second option, like "2"
        elif match and payloads:
            n = int(match.group(1))
            if 1 <= n <= len(payloads):
                ctx.text = payloads[n - 1]
            elif not self._names_a_time(ctx):
                # Not an item of the list: maybe the rating staff asked for before this question.
                rating = self._skill("handoff")
                outcome = rating.handle(ctx) if rating is not None else None
                if outcome is not None:
                    return outcome
                return Outcome([Reply(ctx.t("pick.invalid", n=n))], "command", "invalid", log=False)
        handoff = self._skill("handoff")
        if ctx.state.status == "human" and handoff is not None:
            outcome = handoff.handle(ctx)
            if outcome is not None:
                return self._small_talk_to_staff(ctx, outcome)
            if (left := ctx.data.pop("handoff_left", None)) and ctx.state.status != "human":
                # The request was dropped for what the user asks now: that is answered.
                outcome = self.route(ctx, interp)
                outcome.replies.insert(0, Reply(left, intent="handoff"))
                return outcome
        if ctx.flow == "booking" and (stale := self._stale_step_button(ctx)) is not None:
            return stale
        requests = self.skills.handoff_requests
        if (
            interp.intent == "handoff"
            and requests is not None
            and ctx.flow != "handoff"
            and not self._details_typed(ctx)
        ):
            ctx.flow = None
            return requests.request(ctx)
        soft_no = interp.extra.get("soft") and (
            ctx.flow != "booking" or ctx.flow_data.get("state") in _YES_STEPS
        )
        if interp.intent == "cancel" and ctx.flow and ctx.flow != "handoff" and not soft_no:
            return self._cancel(ctx)
        if (
            interp.intent == "cancel"
            and not ctx.flow
            and not _OWN_BOOKING.search(ctx.text)
            and (chat_skill := self.skills.small_talk) is not None
        ):
            # "算了", "actually never mind" with nothing under way: a friendly "no problem".
            reply = chat_skill.reply(ctx, "dropped")
            return Outcome([reply], "smalltalk", "handled", log=False)
        withdraws = interp.intent == "cancel" and ctx.flow == "handoff"
        if ctx.flow and not withdraws and (chat := self._small_talk_at_step(ctx)) is not None:
            return chat
        if ctx.flow:
            outcome = self._in_flow(ctx)
            if outcome is not None:
                return outcome
        starts = self.skills.booking_starts
        if (
            ctx.flow is None
            and starts is not None
            and (interp.intent == "booking" or (interp.intent is None and starts.names_expert(ctx)))
        ):
            # Asked in words, or asking for an expert by name ("need li jing for an opposition").
            return starts.start_with(ctx, interp.topic)
        if "handoff:open" in payloads and is_yes(ctx.text) and handoff is not None:
            # "好的" right after "需要请工作人员帮您看看吗？" (and its button) takes the offer.
            ctx.text = "handoff:open"
            outcome = handoff.handle(ctx)
            if outcome is not None:
                return outcome
        tools = self.skills.tool_follow_ups
        if interp.intent == "tool_followup" and tools is not None:
            outcome = tools.follow_up(ctx)
            if outcome is not None:
                return outcome
        outcome = self.others(ctx)
        if outcome is None:
            raise AssertionError("the last skill (faq) always answers")
        return outcome

    def others(self, ctx: Context, *, skip: tuple[str, ...] = ()) -> Outcome | None:
        """The first skill, in registration order, that takes the message."""
        for skill in self.skills.ordered:
            if skill.name in skip or skill.name == ctx.flow:
                continue
            outcome = skill.handle(ctx)
            if outcome is not None:
                return outcome
        return None

    def _in_flow(self, ctx: Context) -> Outcome | None:
        active = self._skill(ctx.flow or "")
        if active is None:
            ctx.flow = None
            return None
        if ctx.flow == "booking" and not _PAYLOAD_RE.match(ctx.text):
            choices = offered(ctx.data)
            ctx.text = self._taken_back(ctx, choices)
            picked = self._topic_named(ctx)
            if picked is None and choices:
                picked = match_choice(ctx.text, choices, ctx.today)
            if picked is not None and picked.startswith("book:day:"):
                # "周五下午两点" when days are offered: that day's slot at that time, if free.
                day = dt.date.fromisoformat(picked.removeprefix("book:day:"))
                picked = self._slot_at(ctx, day) or picked
            offers_any = any(c.payload == "book:expert:any" for c in choices)
            short = len(ctx.text) <= 24 and not re.search(r"\d", ctx.text)
            soonest = short and _ANY_DAY.search(ctx.text) and not asks_question(ctx.text)
            if picked is None and offers_any and soonest:
                picked = "book:expert:any"  # "whenever is soonest" at the expert step
            if picked == "book:expert:any" and _ANY_DAY.search(ctx.text):
                # "随便哪天" at the expert step: anyone, and the soonest day too.
                picked = self._first_day(ctx) or picked
            if picked is None:
                picked = self._booking_move(ctx)
            if picked is not None:
                ctx.text = picked
        return active.handle(ctx)

    def _taken_back(self, ctx: Context, choices: list[Choice]) -> str:
        """The answer after the words that take back an earlier one in the same message ("周二
        不对 换成周四"), when it names an option, a day or a time; else the message as typed."""
        state = str(ctx.flow_data.get("state", ""))
        marks = list(_TAKEN_BACK.finditer(ctx.text))
        if not marks or state not in _PICK_STEPS:
            return ctx.text  # a change typed at the detail steps is the booking's to read
        tail = ctx.text[marks[-1].end() :].strip(" ,，.。!！")
        if not tail or tail == ctx.text:
            return ctx.text
        if (
            (choices and match_choice(tail, choices, ctx.today) is not None)
            or read_day(tail, ctx.today) is not None
            or read_time(tail) is not None
        ):
            return tail
        return ctx.text

    def _small_talk_to_staff(self, ctx: Context, relayed: Outcome) -> Outcome:
        """Thanks or an acknowledgement typed while staff have the conversation ("好的 辛苦了",
        "thanks!"): staff still see it; the user gets a short word back instead of silence."""
        small = self.skills.small_talk
        if relayed.outcome != "relayed" or small is None or _PAYLOAD_RE.match(ctx.text):
            return relayed
        kind = small.kind_of(ctx.text)
        if kind not in ("thanks", "ack"):
            return relayed
        reply = Reply(ctx.t(f"human.{kind}"), intent="smalltalk")
        return Outcome([reply], "smalltalk", "relayed", result=relayed.result, log=False)

    def _details_typed(self, ctx: Context) -> bool:
        """Contact details typed at the booking's detail steps ("联系人：周经理，电话：0512-..."):
        the step's answer, never a request for a person."""
        if ctx.flow != "booking" or ctx.flow_data.get("state") not in _DETAIL_STEPS:
            return False
        found = find_contact(ctx.text)
        return found is not None and found.valid

    def _topic_named(self, ctx: Context) -> str | None:
        """At the topic step, a topic in the clerk's words ("撤三", "打官司", "商标被侵权了",
        "madrid stuff", "GI"), read by the topic lexicon before any fuzzy match of labels; a
        question in its own right is answered instead ("续展费用多少")."""
        if ctx.flow_data.get("state", "topic") != "topic" or asks_question(ctx.text):
            return None
        topic = booking_topic(ctx.text, SPECIALTIES)
        if topic is None:
            subjects = subjects_of(ctx.text)
            topic = topic_of_subject(subjects[0]) if subjects else None
        return f"book:topic:{topic}" if topic in SPECIALTIES else None

    def _names_a_time(self, ctx: Context) -> bool:
        """A bare number beyond the list that is an offered time ("11" at the booking's time
        step is 11:00); the flow reads it below."""
        choices = offered(ctx.data) if ctx.flow == "booking" else []
        return bool(choices) and match_choice(ctx.text, choices, ctx.today) is not None

    def _small_talk_at_step(self, ctx: Context) -> Outcome | None:
        """Thanks, an acknowledgement or a greeting typed at a flow's step is answered and the
        step asked again; a goodbye leaves the flow. Never a phone number, a company name or
        a ticket's question made of "好的谢谢"."""
        small, asker = self.skills.small_talk, self.skills.step_askers.get(ctx.flow or "")
        if small is None or asker is None or _PAYLOAD_RE.match(ctx.text):
            return None
        kind = small.kind_of(ctx.text)
        if kind is None:
            return None
        if ctx.flow in ("booking", "marks"):
            state = str(ctx.flow_data.get("state", ""))
            if kind == "ack" and state in _YES_STEPS:
                return None  # "好的" at the summary confirms: the flow reads it
        if ctx.flow == "marks" and kind == "goodbye":
            return None  # "no thanks", "嗯 不用了": the add flow's own "nothing was saved"
        if ctx.flow == "booking":
            choices = offered(ctx.data)
            if choices and match_choice(ctx.text, choices, ctx.today) is not None:
                return None  # it names an option after all
        reply = small.reply(ctx, kind)
        if kind == "goodbye":
            ctx.flow = None
            return Outcome([reply, small.reply(ctx, "left")], "smalltalk", "left", log=False)
        again = asker.ask_again(ctx)
        if again is None:
            return None
        if kind == "ack":
            reply = small.reply(ctx, "ack_step")
        return Outcome([reply, again], "smalltalk", "handled", log=False)

    def _booking_move(self, ctx: Context) -> str | None:
        """A typed answer that changes an earlier booking step: another day, another topic."""
        state = str(ctx.flow_data.get("state", ""))
        text = ctx.text
        steps = self.skills.booking_steps
        if state in ("day", "slot") and steps is not None and (other := steps.other_expert(ctx)):
            return other  # another expert named: theirs are the days offered next
        if state in ("day", "slot") and _OTHER_EXPERT.search(text):
            ctx.flow_data["state"] = "day"
            return "book:back"  # back from the day step is the expert step
        if state in ("slot", "move_slot"):
            if _OTHER_DAY.search(text):
                return "book:back"
            day = read_new_day(text, ctx.today)  # "9号要开会 换成下周一吧": Monday
            if day is not None:
                return f"book:day:{day.isoformat()}" if self._back_to_day(ctx) else None
        # A day typed, with or without a polite tail ("this afternoon if you can"), not a
        # question with a date in it.
        short = len(re.sub(r"\s", "", text)) <= 12 or (
            len(text) <= 40 and not asks_question(text) and not _QUESTION_TAIL.search(text)
        )
        if state == "expert" and short and (day := read_day(text, ctx.today)) is not None:
            # "周四" while experts are offered: whoever is free that day, its times next.
            ctx.flow_data.update(expert="any", state="day")
            # "周三下午两点": the day and its time at once, when that time is free.
            slot = self._slot_at(ctx, day)
            return slot or f"book:day:{day.isoformat()}"
        if state in ("day", "move_day") and read_time(text) is not None:
            # "下午4点" when days are offered: the first offered day with that time free
            # ("周五下午4点": that day's).
            return self._slot_at(ctx, read_day(text, ctx.today))

        if state in ("expert", "day", "slot") and not ctx.flow_data.get("code"):
            topic = booking_topic(text, SPECIALTIES)
            # "还是地理标志吧" changes the topic; "地理标志是协会申请还是企业自己申请" asks about it.
            corrects = _CORRECTION.search(text) and not asks(text)
            if topic and topic != ctx.flow_data.get("topic") and corrects:
                ctx.flow_data["state"] = "topic"
                return f"book:topic:{topic}"
        return None

    def _first_day(self, ctx: Context) -> str | None:
        steps = self.skills.booking_steps
        ctx.flow_data.update(expert="any", state="day")
        days = steps.ask_again(ctx) if steps is not None else None
        found = (
            [c.payload for c in days.choices if c.payload.startswith("book:day:")] if days else []
        )
        if not found:
            ctx.flow_data["state"] = "expert"
        return found[0] if found else None

    def _slot_at(self, ctx: Context, day: dt.date | None) -> str | None:
        at = read_time(ctx.text)
        steps = self.skills.booking_steps
        if at is None or steps is None:
            return None
        return steps.first_slot_at(ctx, at, day)

    def _back_to_day(self, ctx: Context) -> bool:
        state = str(ctx.flow_data.get("state"))
        ctx.flow_data["state"] = "move_day" if state == "move_slot" else "day"
        return True

    def _stale_step_button(self, ctx: Context) -> Outcome | None:
        text = ctx.text
        if not text.startswith("book:") or text.startswith(_ALWAYS):
            return None
        state = str(ctx.flow_data.get("state", "topic"))
        if text.startswith(_STEP_PAYLOADS.get(state, ())):
            return None
        steps = self.skills.booking_steps
        again = steps.ask_again(ctx) if steps is not None else None
        replies = [expired(ctx), *([again] if again is not None else [])]
        return Outcome(replies, "booking", "expired", log=False)

    def _cancel(self, ctx: Context) -> Outcome:
        # The flow ends itself with its own words ("没有保存"), told in the one cancel word every
        # flow knows; a flow that does not end is ended here.
        active = self._skill(ctx.flow or "")
        if active is not None:
            ctx.text = "book:cancel" if ctx.flow == "booking" else "取消"
            outcome = active.handle(ctx)
            if outcome is not None and ctx.flow is None:
                return outcome
        ctx.flow = None
        reply = Reply(ctx.t("cancelled"), choices=menu_choices(ctx.lang), intent="cancel")
        return Outcome([reply], "cancel", "cancelled", log=False)
