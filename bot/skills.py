"""The ordered list of skills the core tries; features register theirs here."""

from __future__ import annotations

from bot.booking import BookingSkill
from bot.commands import CommandSkill
from bot.faq import FaqSkill
from bot.handoff import HandoffSkill
from bot.handoff_offer import OfferingFaq
from bot.ports import Skill
from bot.tools_skill import ToolsSkill

__all__ = ("default_skills",)


def default_skills() -> list[Skill]:
    """Skills in the order they are asked; the FAQ skill answers whatever is left."""
    return [
        HandoffSkill(),
        CommandSkill(),
        BookingSkill(),
        ToolsSkill(),
        OfferingFaq(FaqSkill()),
    ]
