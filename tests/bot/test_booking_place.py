"""Where a consultation happens, as the confirmation, reminders and .ics say it."""

from __future__ import annotations

from bot.booking.format import place, place_line
from storage.experts import Expert

ADDRESS_ZH = "北京市海淀区知春路1号"


def _expert(mode: str, location: str = "") -> Expert:
    return Expert(name="张伟", organisation="指导站", mode=mode, location=location)


def test_on_site_gives_the_station_address_and_the_room() -> None:
    room = _expert("on_site", "指导站二楼咨询室")
    assert place_line(room, "zh", address=ADDRESS_ZH) == f"现场咨询：{ADDRESS_ZH}，指导站二楼咨询室"
    assert place(room, "en", address="1 Zhichun Rd") == "1 Zhichun Rd, 指导站二楼咨询室"
    assert place(room, "zh") == "指导站二楼咨询室"  # no address configured
    assert place(_expert("on_site"), "zh", address=ADDRESS_ZH) == ADDRESS_ZH
    assert place(_expert("on_site"), "en") == "the station"
    full = _expert("on_site", f"{ADDRESS_ZH}三楼")
    assert place(full, "zh", address=ADDRESS_ZH) == f"{ADDRESS_ZH}三楼"  # not said twice


def test_video_and_phone_do_not_mention_the_address() -> None:
    video = _expert("video", "https://meeting.example.cn/x")
    assert place(video, "zh", address=ADDRESS_ZH) == "https://meeting.example.cn/x"
    assert ADDRESS_ZH not in place(_expert("phone"), "zh", address=ADDRESS_ZH)
