"""The prompt of each booking state: text plus choices (numbered list or keyboard).

Payloads: ``book:topic:<topic>``, ``book:expert:<id|any>``, ``book:day:<yyyy-mm-dd>``,
``book:slot:<expert id>:<yyyymmddThhmmZ>``, ``book:notice:yes|no``, ``book:confirm``,
``book:back``, ``book:cancel``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.booking.flow import BookingState
from bot.booking.format import day_label, expert_label, place_line, slot_time, topic_label
from bot.booking.slots import Slot, free_slots, parse_key
from bot.booking.texts import bt
from bot.core.context import Context
from bot.core.messages import Choice, Reply
from bot.core.station import station_phone
from storage.bookings import get_booking
from storage.experts import SPECIALTIES, Expert, list_experts

__all__ = ("active_experts", "candidate_experts", "next_free", "prompt", "slot_choices", "tz_of")

S = BookingState
MAX_DAYS, MAX_SLOTS = 7, 12


def tz_of(ctx: Context) -> ZoneInfo:
    """The station's time zone."""
    return ZoneInfo(ctx.services.settings.timezone)


def _nav(ctx: Context, *, cancel: bool = True) -> tuple[Choice, ...]:
    back = Choice(bt("back", ctx.lang), "book:back")
    return (back, Choice(bt("cancel", ctx.lang), "book:cancel")) if cancel else (back,)


def _reply(ctx: Context, text: str, choices: tuple[Choice, ...] = ()) -> Reply:
    return Reply(text, choices=choices + _nav(ctx), intent="booking")


def active_experts(ctx: Context, specialty: str | None = None) -> list[Expert]:
    """`list_experts` (the active experts, optionally of `specialty`), read from the database
    once per turn: a booking turn reads them in its checks, its prompt and its slots."""
    experts: list[Expert] | None = ctx.memo.get("experts")
    if experts is None:
        experts = ctx.memo["experts"] = list_experts(session=ctx.session)
    return [e for e in experts if specialty is None or specialty in e.specialties]


def candidate_experts(ctx: Context) -> list[Expert]:
    """The experts the user may still choose from: the chosen one, or all for the topic."""
    fd = ctx.flow_data
    if fd.get("code"):  # rescheduling keeps the expert
        booking = get_booking(session=ctx.session, code=fd["code"])
        expert = ctx.session.get(Expert, booking.expert_id) if booking else None
        return [expert] if expert else []
    experts = active_experts(ctx, fd.get("topic"))
    if fd.get("expert") not in (None, "any"):
        experts = [e for e in experts if e.id == fd["expert"]]
    return experts


def _free(ctx: Context, day: dt.date | None = None) -> list[Slot]:
    settings = ctx.services.settings
    return free_slots(
        session=ctx.session,
        expert_ids=[e.id for e in candidate_experts(ctx) if e.id is not None],
        now=ctx.now,
        tz=tz_of(ctx),
        cutoff=dt.timedelta(hours=settings.booking_cutoff_hours),
        days_ahead=settings.booking_days_ahead,
        day=day,
    )


def slot_choices(ctx: Context, slots: list[Slot], *, with_day: bool) -> tuple[Choice, ...]:
    """One choice per start time (the first expert free then), e.g. 14:00-14:30 · 王律师."""
    experts = {e.id: e for e in candidate_experts(ctx)}
    many = len(experts) > 1
    seen: set[dt.datetime] = set()
    choices: list[Choice] = []
    tz = tz_of(ctx)
    for slot in slots:
        if slot.start in seen or len(choices) >= MAX_SLOTS:
            continue
        seen.add(slot.start)
        a, b = slot.start.astimezone(tz), slot.end.astimezone(tz)
        label = f"{a:%H:%M}-{b:%H:%M}"
        if with_day:
            label = f"{day_label(a.date(), ctx.lang)} {label}"
        if many:
            label += f" · {expert_label(experts[slot.expert_id], ctx.lang).split('（')[0]}"
        choices.append(Choice(label, f"book:slot:{slot.expert_id}:{slot.key}"))
    return tuple(choices)


def next_free(ctx: Context) -> tuple[Choice, ...]:
    """The soonest free slots over the coming days (after a slot was lost)."""
    return slot_choices(ctx, _free(ctx)[:MAX_SLOTS], with_day=True)


def _chosen(ctx: Context) -> tuple[Expert | None, str]:
    fd = ctx.flow_data
    if not fd.get("slot"):
        return None, ""
    when = slot_time(parse_key(fd["slot"]), parse_key(fd["slot_end"]), tz_of(ctx), ctx.lang)
    return ctx.session.get(Expert, fd["slot_expert"]), when


def prompt(ctx: Context, state: BookingState, *, echo: bool = True) -> Reply:
    """The question asked in `state`, with its choices and back/cancel (`echo=False`: the
    caller has just said which slot was taken)."""
    lang, fd, settings = ctx.lang, ctx.flow_data, ctx.services.settings
    phone = station_phone(settings, lang)
    if state is S.TOPIC:
        experts = active_experts(ctx)  # one query, not one per specialty
        topics = [t for t in SPECIALTIES if any(t in e.specialties for e in experts)]
        choices = tuple(Choice(topic_label(t, lang), f"book:topic:{t}") for t in topics)
        return _reply(ctx, bt("topic.prompt", lang), choices)
    if state is S.EXPERT:
        experts = candidate_experts(ctx)
        if not experts:
            topic = topic_label(fd.get("topic", ""), lang)
            return _reply(ctx, bt("expert.none", lang, topic=topic, phone=phone))
        lines = [bt("expert.prompt", lang)]
        for e in experts:
            bio = e.bio_en if lang == "en" else e.bio_zh
            sep = ": " if lang == "en" else "："
            lines.append(f"· {expert_label(e, lang)}" + (f"{sep}{bio}" if bio else ""))
        choices = (Choice(bt("expert.any", lang), "book:expert:any"),)
        choices += tuple(Choice(expert_label(e, lang), f"book:expert:{e.id}") for e in experts)
        return _reply(ctx, "\n".join(lines), choices)
    if state in (S.DAY, S.MOVE_DAY):
        days = sorted({s.start.astimezone(tz_of(ctx)).date() for s in _free(ctx)})[:MAX_DAYS]
        if not days:
            text = bt("day.none", lang, days=settings.booking_days_ahead, phone=phone)
            return _reply(ctx, text)
        choices = tuple(Choice(day_label(d, lang), f"book:day:{d.isoformat()}") for d in days)
        text = bt("day.prompt", lang)
        if state is S.MOVE_DAY:
            booking = get_booking(session=ctx.session, code=fd["code"])
            assert booking is not None
            when = slot_time(booking.slot_start, booking.slot_end, tz_of(ctx), lang)
            text = bt("move.prompt", lang, code=booking.code, time=when)
        return _reply(ctx, text, choices)
    if state in (S.SLOT, S.MOVE_SLOT):
        day = dt.date.fromisoformat(fd["day"])
        slots = _free(ctx, day)
        prompt = bt("slot.prompt", lang, day=day_label(day, lang))
        if part := fd.get("part"):  # the morning or the afternoon asked for, when any is free
            tz = tz_of(ctx)
            wanted = [s for s in slots if (s.start.astimezone(tz).hour < 12) == (part == "am")]
            if slots and not wanted:  # said, not left for the user to notice in the times
                other = "pm" if part == "am" else "am"
                prompt = bt(
                    "slot.prompt.other_part", lang, day=day_label(day, lang),
                    part=bt(f"part.{part}", lang), other=bt(f"part.{other}", lang),
                )  # fmt: skip
            slots = wanted or slots
        choices = slot_choices(ctx, slots, with_day=False)
        if not choices:
            return _reply(ctx, bt("slot.none", lang))
        return _reply(ctx, prompt, choices)
    if state is S.COMPANY:
        # The first step after the slot says which one was taken, as a receptionist repeats it
        # back ("周四 9点40" typed: 12月10日（周四）09:40-10:10, 王明远).
        expert, when = _chosen(ctx)
        text = bt("company.prompt", lang)
        if expert is not None and echo:
            text = (
                bt("slot.chosen", lang, time=when, expert=expert_label(expert, lang)) + "\n" + text
            )
        return _reply(ctx, text)
    if state is S.PHONE:
        return _reply(ctx, bt("phone.prompt", lang) + "\n" + bt("phone.note", lang))
    if state in (S.CONTACT, S.QUESTION):
        return _reply(ctx, bt(f"{state.value}.prompt", lang))
    if state is S.NOTICE:
        choices = (
            Choice(bt("notice.yes", lang), "book:notice:yes"),
            Choice(bt("notice.no", lang), "book:notice:no"),
        )
        return _reply(ctx, bt("notice.prompt", lang), choices)
    expert, when = _chosen(ctx)
    if state is S.CONFIRM and expert is not None:
        address = settings.station_address_en if lang == "en" else settings.station_address_zh
        text = bt(
            "summary",
            lang,
            topic=topic_label(fd["topic"], lang),
            expert=expert_label(expert, lang),
            time=when,
            place=place_line(expert, lang, address=address),
            company=fd["company"],
            contact=fd["contact"],
            phone=fd["phone"] or fd.get("email") or "",
            question=fd["question"],
        )
        return _reply(ctx, text, (Choice(bt("confirm", lang), "book:confirm"),))
    if state is S.MOVE_CONFIRM and expert is not None:
        text = bt("move.ask", lang, code=fd["code"], time=when)
        return _reply(ctx, text, (Choice(bt("move.yes", lang), "book:confirm"),))
    if state is S.CANCEL_CONFIRM:
        booking = get_booking(session=ctx.session, code=fd["code"])
        assert booking is not None
        when = slot_time(booking.slot_start, booking.slot_end, tz_of(ctx), lang)
        text = bt("cancel.ask", lang, code=booking.code, time=when)
        yes = Choice(bt("cancel.yes", lang), "book:confirm")
        return Reply(text, choices=(yes, *_nav(ctx, cancel=False)), intent="booking")
    raise AssertionError(f"no prompt for booking state {state}")
