"""The ordered list of skills the core tries; features register theirs here."""

from __future__ import annotations

from bot.booking.skill import BookingSkill
from bot.core.commands import CommandSkill
from bot.core.ports import Skill
from bot.faq.skill import FaqSkill
from bot.handoff.offer import OfferingFaq
from bot.handoff.skill import HandoffSkill
from bot.marks.skill import MarksSkill
from bot.privacy.skill import PrivacySkill
from bot.smalltalk.skill import SmalltalkSkill
from bot.tools.skill import ToolsSkill

__all__ = ("default_skills",)


def default_skills() -> list[Skill]:
    """Skills in the order they are asked; the FAQ skill answers whatever is left.

    A feature registers its skill with one line here; bot/core/router.py asks them in order
    after the active flow and the global interrupts.
    """
    return [
        PrivacySkill(),  # only its own phrases ("我的数据", "删除我的数据", "取消提醒" ...)
        HandoffSkill(),
        CommandSkill(),
        SmalltalkSkill(),
        BookingSkill(),
        MarksSkill(),
        ToolsSkill(),
        OfferingFaq(FaqSkill()),
    ]
