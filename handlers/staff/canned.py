"""Canned replies for the staff console, in the user's language (staff edit before sending)."""

from __future__ import annotations

__all__ = ("CANNED", "canned_text")

CANNED: dict[str, tuple[str, str, str]] = {
    # key: (button label, Chinese, English)
    "greet": (
        "接待 Greeting",
        "您好，我是商标品牌指导站的工作人员，已经看到您的问题，正在为您查询，请稍候。",
        "Hello, I am a member of the station staff. I have read your question and am looking "
        "into it; please bear with me a moment.",
    ),
    "need_details": (
        "补充信息 More details",
        "为了准确答复，请提供商标名称、注册号（或申请号）以及相关材料的照片或截图。",
        "To answer precisely, please send the trademark name, its registration (or application) "
        "number, and photos or screenshots of the documents involved.",
    ),
    "call_back": (
        "电话回访 Call back",
        "这个问题电话沟通更方便。请留下您的手机号，我们会在工作时间致电您。",
        "This is easier to discuss by phone. Please leave a mobile number and we will call you "
        "during office hours.",
    ),
    "visit": (
        "预约面谈 Visit",
        "建议您携带相关材料到指导站面谈，也可以回复“预约专家”在线预约时间。",
        "We suggest an appointment at the station with your documents; reply 'book an expert' "
        "to choose a time online.",
    ),
    "closing": (
        "结束语 Closing",
        "如果没有其他问题，我们将结束本次咨询。感谢您的耐心！",
        "If there is nothing else, we will close this request now. Thank you for your patience!",
    ),
}


def canned_text(key: str, lang: str) -> str:
    """The canned reply `key` in `lang` ('en', otherwise Chinese)."""
    _label, zh, en = CANNED[key]
    return en if lang == "en" else zh
