"""The FastAPI application: web chat, channel webhooks, staff and admin surfaces."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.core.runtime import Runtime, build_runtime
from bot.core.settings import Settings, get_settings
from bot.delivery.worker import OutboxWorker
from bot.handoff.delivered import observer_for
from bot.handoff.outage import outage_alert_for
from bot.handoff.sweep import housekeeping_for
from handlers.admin import canned as admin_canned
from handlers.admin import experts as admin_experts
from handlers.admin import faq as admin
from handlers.admin.dashboard import router as dashboard_router
from handlers.notify.senders import build_senders
from handlers.staff import booking_desk
from handlers.staff import bookings as staff_bookings
from handlers.staff import desk as staff_desk
from handlers.staff import live as staff_live
from handlers.staff import marks as staff_marks
from handlers.staff import privacy as staff_privacy
from handlers.staff import tickets as staff
from handlers.telegram import webhook as telegram
from handlers.web import auth, guard, message_page
from handlers.web import bookings as bookings_web
from handlers.web import chat as web
from handlers.web import privacy as privacy_web
from handlers.web.threads import bound_threads
from handlers.wechat import adapter as wechat
from storage.errors import NotFound, TmbotError

__all__ = ("create_app",)

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    runtime: Runtime | None = None,
    *,
    warm: bool = False,
    migrate: bool = True,
) -> FastAPI:
    """Build the app; the database is prepared in the lifespan, not at import (`warm`: and the
    FAQ index built there too, as a server does; `migrate=False`: someone else migrated)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or build_runtime(settings or get_settings(), migrate=migrate)
        app.state.runtime = rt
        bound_threads(rt.settings)
        if warm:
            rt.conversation.index.warm(rt.engine)  # before the first request, not inside it
        worker = OutboxWorker(
            rt.engine,
            {s.name: s for s in build_senders(rt.settings, rt.engine, rt.conversation.clock)},
            housekeeping=housekeeping_for(rt.settings, rt.conversation.clock),
            clock=rt.conversation.clock,
            observer=observer_for(rt.settings),
            alert=outage_alert_for(rt.settings),
        )
        app.state.worker = worker
        if rt.settings.run_worker:
            worker.start()
        async with telegram.telegram_lifespan(app, rt):
            yield
        worker.stop()
        if getattr(app.state, "change_feed", None) is not None:
            app.state.change_feed.close()  # the staff pages' live feed (and its LISTEN thread)
        if runtime is None:
            rt.engine.dispose()

    app = FastAPI(title="tmbot", lifespan=lifespan)
    # The channels' webhooks first: every request walks the routers in this order (POST /wechat
    # and POST /api/chat, the busiest routes, are each first in their router).
    app.include_router(wechat.router)
    app.include_router(web.router)
    app.include_router(telegram.router)
    app.include_router(staff.router)
    app.include_router(booking_desk.router)
    app.include_router(staff_bookings.router)
    app.include_router(staff_live.router)
    app.include_router(staff_desk.router)
    app.include_router(staff_marks.router)
    app.include_router(admin_experts.router)
    app.include_router(admin_canned.router)
    app.include_router(bookings_web.router)
    app.include_router(privacy_web.router)
    app.include_router(staff_privacy.router)
    app.include_router(message_page.router)
    app_settings = settings or (runtime.settings if runtime else get_settings())
    auth.install(app, app_settings)
    wechat.install_lane(app)  # between the guard (added next, outermost) and the sessions
    guard.install(app, app_settings)
    app.include_router(admin.admin_router())
    app.include_router(dashboard_router)

    @app.exception_handler(TmbotError)
    async def _domain_error(_request: Request, exc: TmbotError) -> JSONResponse:
        logger.warning("domain error: %s", exc)
        status = 404 if isinstance(exc, NotFound) else 400
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory webhook:app_factory` (settings from the environment)."""
    return create_app(warm=True)


def served_app() -> FastAPI:
    """The app of `tmbot serve`'s workers: the command migrated the database before starting
    them, so a worker neither migrates again nor loads Alembic."""
    return create_app(warm=True, migrate=False)
