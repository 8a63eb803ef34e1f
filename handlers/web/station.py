"""The station's face on the public pages: name, logo, address, phone and hours from settings."""

from __future__ import annotations

from typing import Any

from bot.core.hours import StationHours
from bot.core.menu import menu_choices
from bot.core.settings import Settings
from bot.core.texts import t

__all__ = ("greeting", "station_info")

_DEFAULT_LOGO = "/logo.svg"


def station_info(settings: Settings) -> dict[str, Any]:
    """What the page shows of the station, in both languages (empty fields are left out)."""
    hours = StationHours.from_settings(settings)
    return {
        "name": {"zh": settings.station_name_zh, "en": settings.station_name_en},
        "address": {"zh": settings.station_address_zh, "en": settings.station_address_en},
        "hours": {"zh": hours.schedule("zh"), "en": hours.schedule("en")},
        "phone": settings.station_phone,
        "logo": settings.station_logo_url or _DEFAULT_LOGO,
        "tz": settings.timezone,
    }


def greeting(settings: Settings, lang: str) -> dict[str, Any]:
    """The welcome and main menu the page shows on an empty view; never written anywhere.

    The same words the core answers "你好" with, so opening the page sends nothing.
    """
    station = settings.station_name_en if lang == "en" else settings.station_name_zh
    return {
        "text": t("welcome", lang, station=station),
        "choices": [{"label": c.label, "payload": c.payload} for c in menu_choices(lang)],
    }
