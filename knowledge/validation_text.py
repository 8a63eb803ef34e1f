"""Pydantic validation errors as bilingual lines a person can act on: the field named in Chinese
and English and what is wrong with it, never the submitted value.

Used by the FAQ import and edit forms (knowledge.exchange) and the staff pages' 422 page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ("describe", "describe_one")

_FIELDS = {
    "answer": "答案 answer",
    "question": "问题 question",
    "zh": "中文 Chinese",
    "en": "英文 English",
    "text": "内容 text",
    "note": "说明 note",
    "status": "状态 status",
    "day": "日期 day",
    "days": "天数 days",
    "expert": "专家 expert",
    "username": "用户名 user name",
    "password": "密码 password",
    "account": "登录账号 login account",
    "specialties": "专长 specialties",
    "reason": "原因 reason",
    "id": "编号 id",
    "theme": "类别 theme",
    "topic": "主题 topic",
    "as_of": "截至日期 as of",
    "valid_from": "生效日期 valid from",
    "valid_until": "失效日期 valid until",
    "related": "相关条目 related",
    "alternates": "其他问法 alternates",
}


def _field(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return " · ".join(_FIELDS.get(p, p) for p in parts) or "表单 form"


def describe_one(error: Mapping[str, Any]) -> str:
    """One pydantic error as "field: 中文 / English"."""
    kind, ctx = str(error.get("type", "")), error.get("ctx") or {}
    field = _field(error.get("loc", ()))
    if kind == "missing":
        what = "必填 / required"
    elif kind == "string_too_short" and ctx.get("min_length") == 1:
        what = "不能为空 / must not be empty"
    elif kind == "string_too_short":
        what = f"至少 {ctx.get('min_length')} 字 / at least {ctx.get('min_length')} characters"
    elif kind == "string_too_long":
        what = f"最多 {ctx.get('max_length')} 字 / at most {ctx.get('max_length')} characters"
    elif kind in ("int_parsing", "int_type", "float_parsing"):
        what = "需要数字 / must be a number"
    elif kind.startswith("date") or kind.startswith("datetime"):
        what = "日期格式应为 年-月-日 / a date like 2026-12-04"
    elif kind in ("literal_error", "enum"):
        what = "不在可选范围内 / not one of the choices"
    elif kind == "string_pattern_mismatch":
        what = "格式不对 / not in the expected form"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        what = "超出允许范围 / out of range"
    elif kind == "value_error":  # our own validators write bilingual messages
        what = str(error.get("msg", "")).removeprefix("Value error, ")[:200]
    else:
        what = "无效 / invalid: " + str(error.get("msg", ""))[:120]
    return f"{field}: {what}"


def describe(errors: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every error, one line each."""
    return [describe_one(e) for e in errors]
