"""Server-rendered staff and admin pages: the Jinja2 environment, flash messages, headers."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from bot.core.runtime import Runtime
from bot.handoff.alias import user_alias
from handlers.web.csrf import CSRF_FIELD, csrf_token
from handlers.web.labels import label

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

__all__ = ("TEMPLATES_DIR", "flash", "page_global", "render", "station_today", "templates")

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# Staff pages must not be framed (clickjacking), cached or leak their URLs to other sites.
_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def _page_context(request: Request) -> dict[str, Any]:
    has_session = "session" in request.scope
    token = csrf_token(request) if has_session else ""
    field = Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)
    flashes = request.session.pop("flash", []) if has_session else []
    return {
        "current_user": getattr(request.state, "user", None),
        "csrf_token": token,
        "csrf_field": field,
        "flashes": flashes,
        "path": request.url.path,
    }


def _when(value: dt.datetime | None, tz: str = "Asia/Shanghai") -> str:
    """A stored UTC time as the station's local time, e.g. 2026-11-25 10:00."""
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if value else ""


_GLOBALS: dict[str, Any] = {}


@cache
def templates() -> Jinja2Templates:
    """The pages' Jinja2 environment, made by the first page rendered: a worker that only
    serves the channels (POST /wechat, /api/chat) never imports Jinja2 (about 0.9 MiB)."""
    from starlette.templating import Jinja2Templates

    made = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_page_context])
    made.env.filters["when"] = _when
    made.env.filters["label"] = label
    # Staff see a per-ticket alias of the user, never the channel id (a web visitor's identity).
    made.env.filters["user_alias"] = user_alias
    made.env.globals.update(_GLOBALS)
    return made


def page_global(name: str, value: Any) -> None:
    """A global of every page's template (a module adds its own when imported)."""
    _GLOBALS[name] = value
    if templates.cache_info().currsize:  # already made
        templates().env.globals[name] = value


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `name` (under handlers/web/templates/) with the layout's context added."""
    response = templates().TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(_HEADERS)
    return response


def flash(request: Request, text: str, kind: str = "ok") -> None:
    """A one-time message shown on the next rendered page (kind: ok | error | warn)."""
    messages = list(request.session.get("flash", []))
    messages.append({"text": text, "kind": kind})
    request.session["flash"] = messages[-5:]


def station_today(runtime: Runtime) -> dt.date:
    """Today at the station, by the runtime's clock (tests fix it)."""
    now = runtime.conversation.clock.now()
    return now.astimezone(ZoneInfo(runtime.settings.timezone)).date()
