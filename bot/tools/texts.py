"""User-facing texts of the tools skill (bot/tools/skill.py), in Chinese and English.

The computed explanations themselves come from the tools' own `explain(lang)` methods.
"""

from __future__ import annotations

from bot.core.texts import catalog

__all__ = ("TEXTS", "tt")

TEXTS: dict[str, tuple[str, str]] = {
    "ask.renewal": (
        "请告诉我商标的核准注册日期（或注册证上的有效期截止日），例如“2016年3月7日”，"
        "我帮您算出续展期限和费用。",
        "Please tell me the mark's registration date (or the expiry date on the certificate), "
        "e.g. 2016-03-07, and I will compute the renewal deadlines and fee.",
    ),
    "ask.opposition": (
        "请告诉我该商标的初步审定公告日期，例如“2026年10月27日”，我帮您算出异议截止日。",
        "Please tell me the date the mark was published for preliminary approval, e.g. "
        "2026-10-27, and I will compute the last day to oppose.",
    ),
    "ask.rejection_review": (
        "请告诉我收到驳回通知的日期，例如“2026年11月10日收到”；电子送达的也可以告诉我发文日期"
        "（如“发文日期2026年11月3日”）。",
        "Please tell me the day you received the refusal, e.g. 'received 2026-11-10'; for an "
        "electronic notice you can give the day it was sent ('sent 2026-11-03').",
    ),
    "ask.nonuse": (
        "请告诉我商标的核准注册日期，例如“2022年5月14日”，我帮您算出何时起可能被申请撤三。",
        "Please tell me the registration date, e.g. 2022-05-14, and I will compute from when "
        "the mark is exposed to non-use cancellation.",
    ),
    "ask.madrid_dependency": (
        "请告诉我国际注册日期，例如“2023年6月1日”，我帮您算出五年依附期何时结束。",
        "Please tell me the international registration date, e.g. 2023-06-01, and I will "
        "compute when the five-year dependency ends.",
    ),
    "ask.fee_madrid": (
        "请告诉我要指定哪些国家或地区，例如“美国、欧盟、日本”，我帮您估算马德里费用。",
        "Which countries or regions do you want to designate (e.g. 'US, EU, Japan')? I will "
        "estimate the Madrid fees.",
    ),
    "ask.classes": (
        "请用几个词告诉我您卖什么商品或提供什么服务，例如“奶茶店”“网上卖服装”，我帮您找可能的类别。",
        "Tell me in a few words what you sell or which service you provide (e.g. 'milk tea "
        "shop', 'clothing sold online') and I will suggest the likely classes.",
    ),
    "month.hint": (
        "按 {month} 推算，无论具体是哪一天，今天都处于{phase}。{fee}"
        "请告诉我具体日期（例如“{example}”），我帮您算出准确的期限。",
        "Going by {month}, whatever the exact day, today falls in the {phase}. {fee}"
        "Tell me the exact date (e.g. {example}) and I will compute the exact deadlines.",
    ),
    "phase.too_early": ("续展期开始之前（还不能续展）", "time before the renewal window opens"),
    "phase.renewal_window": (
        "续展期内（可以正常续展）",
        "renewal window (renew at the normal fee)",
    ),
    "phase.grace_period": (
        "宽展期内（仍可续展，但须加收迟延费）",
        "grace period (renewal still possible, with the late surcharge)",
    ),
    "phase.lost": (
        "宽展期结束之后（未续展的商标已不能续展）",
        "time after the grace period (an unrenewed mark can no longer be renewed)",
    ),
    "renewal.assumed_classes": (
        "以上费用按1个类别计算；注册了多个类别的，告诉我类别数（如“3个类”）即可重新计算。",
        "The fee above is for one class; if the registration covers several, tell me how many "
        "(e.g. '3 classes') and I will recompute.",
    ),
    "national.assumed_items": (
        "未说明每类商品数量，按每类不超过10个计算。",
        "No item count given: computed with at most 10 items per class.",
    ),
    "national.other_channel": (
        "如{channel}申请，合计 {total} 元。",
        "Filed {channel} instead: {total} CNY in total.",
    ),
    "channel.online": ("网上", "online"),
    "channel.paper": ("纸质", "on paper"),
    "madrid.assumed_classes": (
        "未说明类别数，按1个类别计算；告诉我类别数（如“3个类”）可重新计算。",
        "No class count given: computed for one class; tell me the number (e.g. '3 classes') "
        "to recompute.",
    ),
    "madrid.assumed_bw": (
        "未说明是否彩色，按黑白商标计算；彩色商标基础费更高。",
        "Colour not stated: computed for a mark in black and white; a colour mark's basic fee "
        "is higher.",
    ),
    "madrid.rate": (
        "折算汇率：1 瑞士法郎 = {rate} 元（{as_of}），实际以缴费时的汇率为准。",
        "Exchange rate used: 1 CHF = {rate} CNY ({as_of}); the rate on the day of payment applies.",
    ),
    "madrid.rate_as_of": ("汇率截至 {date}", "rate as of {date}"),
    "madrid.rate_default": ("默认参考汇率，未注明日期", "default reference rate, undated"),
    "fee.only_official": (
        "以上均为官费，不含代理服务费。",
        "Official fees only; agency service fees are not included.",
    ),
    "failed": (
        "抱歉，计算时出了问题，请换个说法再试，或转人工由工作人员帮您核算。",
        "Sorry, something went wrong with this calculation. Please rephrase, or ask for staff.",
    ),
}


tt = catalog("tools", TEXTS)
