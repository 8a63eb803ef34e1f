"""The public chat page at /, its script, style, logo and favicon (the privacy notice at
/privacy is the station's editable text: handlers/web/privacy.py).

The page is rendered on the server with the station's name, logo, address, phone and hours
(autoescaped Jinja), and issues the visitor cookie on the first visit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from handlers.web.deps import SettingsDep
from handlers.web.station import station_info
from handlers.web.visitor import visitor_for

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ("router",)

router = APIRouter()
STATIC = Path(__file__).resolve().parent / "static"
# Everything the page runs or loads comes from here (the logo may be elsewhere over HTTPS).
_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_ASSETS = {
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "logo.svg": "image/svg+xml",
    "favicon.svg": "image/svg+xml",
    "favicon.ico": "image/x-icon",
    "apple-touch-icon.png": "image/png",
}


@cache
def _env() -> Environment:
    # Made by the first page served: a worker that only answers the channels never imports
    # Jinja2 (handlers/web/pages.py).
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(STATIC), autoescape=select_autoescape(["html"]))


def _page(name: str, settings: SettingsDep) -> str:
    return _env().get_template(name).render(station=station_info(settings))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The chat page (plain HTML and JS, no build step); a new visitor gets their cookie."""
    response = HTMLResponse(_page("chat.html", settings), headers=_HEADERS)
    visitor_for(request, response, settings)
    return response


def _asset(name: str) -> Response:
    return FileResponse(
        STATIC / name,
        media_type=_ASSETS[name],
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get("/chat.js", include_in_schema=False)
def chat_js() -> Response:
    return _asset("chat.js")


@router.get("/chat.css", include_in_schema=False)
def chat_css() -> Response:
    return _asset("chat.css")


@router.get("/logo.svg", include_in_schema=False)
def logo() -> Response:
    return _asset("logo.svg")


@router.get("/favicon.svg", include_in_schema=False)
def favicon_svg() -> Response:
    return _asset("favicon.svg")


@router.get("/favicon.ico", include_in_schema=False)
def favicon_ico() -> Response:
    return _asset("favicon.ico")


@router.get("/apple-touch-icon.png", include_in_schema=False)
def touch_icon() -> Response:
    return _asset("apple-touch-icon.png")
