"""Names of channels, themes, tools and reasons in Chinese and English, for page and report."""

from __future__ import annotations

__all__ = ("label", "label_en", "label_zh")

_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {
        "web": ("网页", "web chat"),
        "wechat": ("微信公众号", "WeChat"),
        "telegram": ("Telegram", "Telegram"),
    },
    "theme": {
        "registration": ("商标注册", "registration"),
        "renewal": ("续展", "renewal"),
        "madrid": ("马德里国际注册", "Madrid"),
        "disputes": ("异议与争议", "disputes"),
        "enforcement": ("保护与维权", "enforcement"),
        "after-registration": ("注册后事务", "after registration"),
        "special-marks": ("集体商标、证明商标与地理标志", "special marks"),
        "station-and-law": ("指导站与法律法规", "station and law"),
        "general": ("综合", "general"),
    },
    "tool": {
        "renewal": ("续展期限计算", "renewal dates"),
        "fee_renewal": ("续展费用计算", "renewal fees"),
        "fee_national": ("国内注册费用估算", "national fees"),
        "fee_madrid": ("马德里费用估算", "Madrid fees"),
        "classes": ("商品服务类别查询", "class look-ups"),
        "opposition": ("异议期限计算", "opposition deadline"),
        "rejection_review": ("驳回复审期限计算", "refusal review deadline"),
        "madrid_dependency": ("马德里依附期计算", "Madrid dependency"),
        "nonuse_exposure": ("连续三年不使用风险", "non-use exposure"),
        "other": ("其他计算", "other"),
    },
    "booking_topic": {
        "registration": ("商标注册", "registration"),
        "renewal": ("续展", "renewal"),
        "madrid": ("马德里国际注册", "Madrid"),
        "opposition_invalidation": ("异议与无效宣告", "opposition and invalidation"),
        "infringement_litigation": ("侵权与诉讼", "infringement and litigation"),
        "brand_strategy": ("品牌战略", "brand strategy"),
        "geographic_indications": ("地理标志", "geographical indications"),
        "collective_certification": ("集体商标与证明商标", "collective and certification marks"),
    },
    "reason": {
        "asked": ("用户要求", "asked"),
        "low_confidence": ("答复把握不足", "low confidence"),
        "not_helpful": ("答复无用", "not helpful"),
        "needs_staff": ("须人工处理", "needs staff"),
    },
}


def label(kind: str, key: str) -> tuple[str, str]:
    """(zh, en) for a key of `kind`; unknown keys are shown as they are."""
    return _LABELS.get(kind, {}).get(key, (key, key))


def label_zh(kind: str, key: str) -> str:
    return label(kind, key)[0]


def label_en(kind: str, key: str) -> str:
    return label(kind, key)[1]
