"""What the booking skill does beyond asking: confirm, reschedule, cancel, list, and answer a
question asked in the middle of the flow without losing it."""

from __future__ import annotations

import datetime as dt
import re

from bot.booking.flow import BookingState, slot_lost
from bot.booking.format import day_label, expert_label, place_line, prepare_list, slot_time
from bot.booking.ics import ics_attachment, ics_link
from bot.booking.service import BookingRefused
from bot.booking.slots import Slot, free_slots
from bot.booking.steps import candidate_experts, next_free, prompt, tz_of
from bot.booking.texts import bt
from bot.core.choices import read_day, read_time
from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.ports import Outcome
from bot.core.station import station_phone
from storage.bookings import Booking, upcoming_for_user
from storage.experts import Expert

__all__ = (
    "MAX_TEXT",
    "QUESTION_RE",
    "aside",
    "by_label",
    "details",
    "done",
    "experts_of",
    "free_at",
    "hint",
    "lost",
    "my_bookings",
    "my_choice",
    "out",
    "record_consent",
    "refused",
    "take_text",
    "upcoming",
)

QUESTION_RE = re.compile(
    r"[?？]|吗|多少|怎么|如何|什么|哪|能否|是否|为什么|^(how|what|when|which|can|do|does|is|why)\b"
    # asked without a question word: a choice between two ("是企业自己申请还是得协会出面"),
    # "是不是", the colloquial "咋"/"啥", or announced as an aside ("等下先问个 ...")
    r"|(是|要|得|能|去|自己|找)\S{1,20}还是\S{2,}|是不是|咋|啥(?!都|也)"
    r"|(先|顺便|另外|插一?句|等下|等一下)\s*(问|请教)(个|一个|一下|下)"
    r"|\b(quick question|one (more |quick )?question|before (that|we go on))\b",
    re.I,
)
MAX_TEXT = {"company": 200, "contact": 80, "question": 200}


def out(replies: list[Reply], outcome: str = "handled") -> Outcome:
    """A booking outcome; flow steps are not logged as questions (they hold personal data)."""
    return Outcome(replies, "booking", outcome, log=False)


def upcoming(ctx: Context) -> list[Booking]:
    """The user's upcoming active bookings."""
    return upcoming_for_user(
        session=ctx.session, channel=ctx.state.channel, user_ref=ctx.state.user_ref, now=ctx.now
    )


def my_choice(ctx: Context) -> tuple[Choice, ...]:
    """A "my bookings" button."""
    return (Choice("我的预约" if ctx.lang != "en" else "My bookings", "book:my"),)


def _when(ctx: Context, booking: Booking) -> str:
    return slot_time(booking.slot_start, booking.slot_end, tz_of(ctx), ctx.lang)


def my_bookings(ctx: Context) -> Outcome:
    """The user's upcoming bookings with cancel / reschedule buttons."""
    rows = upcoming(ctx)
    if not rows:
        return out([Reply(bt("my.none", ctx.lang), intent="booking")])
    lines, choices = [bt("my.title", ctx.lang)], []
    for b in rows:
        expert = ctx.session.get(Expert, b.expert_id)
        name = expert_label(expert, ctx.lang) if expert else "-"
        lines.append(bt("my.item", ctx.lang, code=b.code, time=_when(ctx, b), expert=name))
        choices.append(Choice(bt("my.cancel", ctx.lang, code=b.code), f"book:cancelcode:{b.code}"))
        choices.append(Choice(bt("my.move", ctx.lang, code=b.code), f"book:move:{b.code}"))
    return out([Reply("\n".join(lines), choices=tuple(choices), intent="booking")])


def refused(ctx: Context, exc: BookingRefused) -> Reply:
    """The user-facing reason a rule refused the request."""
    lang, settings = ctx.lang, ctx.services.settings
    if exc.reason == "limit":
        text = bt("limit", lang, count=exc.details["count"], max=exc.details["max"])
        return Reply(text, choices=my_choice(ctx), intent="booking")
    if exc.reason == "daily":
        text = bt("daily", lang, max=exc.details["max"], phone=station_phone(settings, lang))
        return Reply(text, choices=my_choice(ctx), intent="booking")
    if exc.reason == "too_late":
        hours = f"{settings.booking_change_cutoff_hours:g}"
        text = bt("my.too_late", lang, hours=hours, phone=station_phone(settings, lang))
        return Reply(text, intent="booking")
    return Reply(bt("my.none", lang), choices=my_choice(ctx), intent="booking")


def free_at(ctx: Context, expert: Expert | None, at: dt.datetime) -> Slot | None:
    """The expert's slot starting at `at` if it is free and bookable now."""
    if expert is None or expert.id is None:
        return None
    settings = ctx.services.settings
    slots = free_slots(
        session=ctx.session,
        expert_ids=[expert.id],
        now=ctx.now,
        tz=tz_of(ctx),
        cutoff=dt.timedelta(hours=settings.booking_cutoff_hours),
        days_ahead=settings.booking_days_ahead,
        day=at.astimezone(tz_of(ctx)).date(),
    )
    return next((s for s in slots if s.start == at), None)


def lost(ctx: Context, state: BookingState, key: str) -> Outcome:
    """The slot is gone: say so, offer the next free ones, stay in (or go back to) SLOT."""
    if state in (BookingState.CONFIRM, BookingState.MOVE_CONFIRM):
        state = slot_lost(state)
    ctx.flow_data["state"] = state.value
    for field in ("slot", "slot_end", "slot_expert"):
        ctx.flow_data.pop(field, None)
    choices = next_free(ctx)
    if not choices:
        phone = station_phone(ctx.services.settings, ctx.lang)
        return out([Reply(bt("slot.taken_none", ctx.lang, phone=phone), intent="booking")], "taken")
    nav = prompt(ctx, BookingState.COMPANY).choices  # back / cancel
    return out([Reply(bt(key, ctx.lang), choices=choices + nav, intent="booking")], "taken")


def done(ctx: Context, booking: Booking, expert: Expert, key: str) -> Outcome:
    """Finish the flow with the confirmation, the .ics file and its link."""
    ctx.flow = None
    lang, settings = ctx.lang, ctx.services.settings
    address = settings.station_address_en if lang == "en" else settings.station_address_zh
    text = bt(
        key,
        lang,
        code=booking.code,
        time=_when(ctx, booking),
        expert=expert_label(expert, lang),
        place=place_line(expert, lang, address=address),
        prepare=prepare_list(booking.topic, lang),
        ics=ics_link(settings, booking.code),
    )
    # Channels that can send files (Telegram) send the .ics with this caption; the link in the
    # text serves the others.
    caption = bt("ics.caption", lang, code=booking.code)
    reply = Reply(
        text,
        choices=my_choice(ctx),
        intent="booking",
        meta={"booking": booking.code, "attachment_caption": caption},
        attachments=(ics_attachment(settings, booking, expert),),
    )
    return out([reply], "booked" if key == "confirmed" else "moved")


def hint(ctx: Context, state: BookingState) -> Outcome:
    """Input that fits no option: say how to answer, and ask again."""
    nav = ("book:back", "book:cancel")
    options = [c for c in prompt(ctx, state).choices if c.payload not in nav]
    key = "flow.hint" if options else "flow.text_hint"
    days = [
        c.payload.removeprefix("book:day:") for c in options if c.payload.startswith("book:day:")
    ]
    typed = read_day(ctx.text, ctx.today) if days else None
    if typed is not None and typed.isoformat() not in days:
        # "明天" when tomorrow has no free time: say so, not "pick one of the options".
        text = bt("flow.day_not_offered", ctx.lang, day=day_label(typed, ctx.lang))
        return out([Reply(text, intent="booking"), prompt(ctx, state)], "hint")
    slots = any(c.payload.startswith("book:slot:") for c in options)
    at = read_time(ctx.text) if slots else None
    if at is not None:
        # "下午3点的" between the offered times: that time is not free (the router took any
        # offered one already).
        text = bt("flow.time_not_offered", ctx.lang, time=at.strftime("%H:%M"))
        return out([Reply(text, intent="booking"), prompt(ctx, state)], "hint")
    return out([Reply(bt(key, ctx.lang), intent="booking"), prompt(ctx, state)], "hint")


def aside(ctx: Context, state: BookingState) -> Outcome | None:
    """Let the other skills answer (a FAQ question, a tool, a handoff), then ask again.

    None when nobody had a real answer, so the caller can show its own hint.
    """
    if ctx.interp is not None and ctx.interp.followup and not QUESTION_RE.search(ctx.text):
        return None  # "行 就这个" leans on the step, not on the subject of the conversation
    # The other skills see the conversation as it is outside any flow; the booking flow comes
    # back afterwards unless one of them took the conversation over (e.g. a handoff).
    saved = dict(ctx.flow_data)
    ctx.flow = None
    outcome = ctx.services.answer_with_others(ctx, skip=("booking",))
    if ctx.flow is not None or ctx.state.status != "bot":
        return outcome
    ctx.flow = "booking"
    ctx.flow_data.update(saved)
    if outcome is None:
        return None
    if outcome.intent in ("unknown", "suggest"):
        return None
    # Keep the answer but not its buttons or related-question list, so that numbers typed next
    # refer to this step's options.
    related = "\n\n" + ctx.t("related")
    answers = [
        Reply(r.text.split(related)[0], intent=r.intent, meta=r.meta) for r in outcome.replies
    ]
    outcome.replies = [*answers, prompt(ctx, state)]
    return outcome


def take_text(
    ctx: Context, state: BookingState, text: str, field: str, *, questions: bool = True
) -> Outcome | None:
    """Store a free-text answer; an Outcome instead when it is a question or too long."""
    if questions and QUESTION_RE.search(text):
        return aside(ctx, state) or hint(ctx, state)
    limit = MAX_TEXT[field]
    if len(text) > limit:
        reply = Reply(bt("text.too_long", ctx.lang, limit=limit), intent="booking")
        return out([reply, prompt(ctx, state)], "invalid")
    ctx.flow_data[field] = text
    return None


def by_label(ctx: Context, state: BookingState, key: str) -> str | None:
    """The payload of the option whose label the user typed ("续展", "any available ...")."""
    for choice in prompt(ctx, state).choices:
        if choice.label.lower() == key or choice.label.lower().split(" (")[0] == key:
            return choice.payload
    return None


def record_consent(ctx: Context, *, granted: bool) -> None:
    """The chat's "同意提醒" is kept on the booking (`notice_consent`) only.

    It is not WeChat's consent: WeChat delivers a subscription notice only after the user
    accepted its own popup, and tmbot records that from WeChat's events
    (handlers/wechat/inbound.py); recording the chat's yes made every notice fail with 43101.
    """
    del ctx, granted


def details(ctx: Context) -> dict[str, object]:
    """The booking's fields gathered by the flow, plus who and where the user is."""
    fd = ctx.flow_data
    return {
        "channel": ctx.state.channel,
        "user_ref": ctx.state.user_ref,
        "chat_ref": ctx.inbound.chat_ref,
        "lang": ctx.lang,
        "topic": fd["topic"],
        "company": fd["company"],
        "contact_name": fd["contact"],
        "phone": fd["phone"],
        "email": fd.get("email") or None,
        "phone_consent_at": dt.datetime.fromisoformat(fd["phone_consent_at"]),
        "question": fd["question"],
        "notice_consent": fd.get("notice"),
    }


def experts_of(ctx: Context) -> dict[str, Expert]:
    """Candidate experts by id string."""
    return {str(e.id): e for e in candidate_experts(ctx)}
