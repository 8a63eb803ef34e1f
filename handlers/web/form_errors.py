"""Form and query errors on the staff and admin pages as a bilingual page, never raw JSON.

FastAPI answers a bad form field with 422 JSON in English (`answer.zh: String should have at
least 1 character`); a person on a staff page gets each field named with what is wrong, in
Chinese and English. API clients (JSON) keep the JSON answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from handlers.web.pages import render
from knowledge.validation_text import describe

__all__ = ("PAGE_PREFIXES", "is_page", "page")

PAGE_PREFIXES = ("/admin", "/staff", "/account", "/login")


def is_page(request: Request) -> bool:
    """A person's page request on the staff side (not an API call wanting JSON)."""
    accept = request.headers.get("accept", "")
    wants_json = "application/json" in accept and "text/html" not in accept
    return request.url.path.startswith(PAGE_PREFIXES) and not wants_json


def page(request: Request, errors: Iterable[Mapping[str, Any]]) -> Response:
    """The 422 page listing what is wrong, with a way back."""
    lines = describe(list(errors)[:20])
    return render(
        request,
        "error.html",
        422,
        title="422",
        message="表单有误，请返回修改。 / Something in the form is not right: go back and fix it.",
        details=lines,
    )
