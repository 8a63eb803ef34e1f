"""Station facts shared by every feature's texts."""

from __future__ import annotations

from bot.core.settings import Settings

__all__ = ("station_phone",)


def station_phone(settings: Settings, lang: str) -> str:
    """The station's phone for "or call {phone}" texts; without one, "the station" (never "-")."""
    if settings.station_phone:
        return settings.station_phone
    return "the station" if lang == "en" else "指导站"
