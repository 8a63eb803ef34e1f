"""Texts that offer the station's phone never print "或致电-" when no phone is configured."""

from __future__ import annotations

from bot.booking.texts import bt
from bot.core.settings import Settings
from bot.core.station import station_phone


def test_without_a_phone_the_texts_name_the_station(settings: Settings) -> None:
    bare = settings.model_copy(update={"station_phone": ""})
    text = bt(
        "staff.cancelled", "zh", code="B-1", time="明天", reason="", phone=station_phone(bare, "zh")
    )
    assert "或致电指导站。" in text and "-。" not in text
    en = bt("my.too_late", "en", hours="2", phone=station_phone(bare, "en"))
    assert en.endswith("please call the station.")
    set_up = settings.model_copy(update={"station_phone": "0571-88886666"})
    assert station_phone(set_up, "en") == "0571-88886666"
