"""The skill registry: the ordered skills the core tries, and the typed entry points the router
calls; features register theirs here."""

from __future__ import annotations

from bot.booking.skill import BookingSkill
from bot.core.commands import CommandSkill
from bot.core.ports import Skills
from bot.faq.skill import FaqSkill
from bot.handoff.offer import OfferingFaq
from bot.handoff.skill import HandoffSkill
from bot.marks.skill import MarksSkill
from bot.privacy.skill import PrivacySkill
from bot.smalltalk.skill import SmalltalkSkill
from bot.tools.skill import ToolsSkill

__all__ = ("default_skills",)


def default_skills() -> Skills:
    """Skills in the order they are asked; the FAQ skill answers whatever is left.

    A feature registers its skill with one line here, and any entry point the router calls
    besides `handle` (bot/core/ports.py) by name below; bot/core/router.py asks the skills in
    order after the active flow and the global interrupts.
    """
    handoff, booking, tools = HandoffSkill(), BookingSkill(), ToolsSkill()
    small, marks = SmalltalkSkill(), MarksSkill()
    return Skills(
        [
            PrivacySkill(),  # only its own phrases ("我的数据", "删除我的数据", "取消提醒" ...)
            handoff,
            CommandSkill(),
            small,
            booking,
            marks,
            tools,
            OfferingFaq(FaqSkill()),
        ],
        handoff_requests=handoff,
        booking_starts=booking,
        booking_steps=booking,
        tool_follow_ups=tools,
        small_talk=small,
        step_askers={"booking": booking, "tools": tools, "handoff": handoff, "marks": marks},
    )
