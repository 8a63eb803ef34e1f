"""Every FAQ admin route: sign-in required, admin role only, CSRF token on every POST."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select
from starlette.routing import BaseRoute

from bot.core.runtime import Runtime
from storage.models import FaqRevision
from tests.support.accounts import signed_in
from webhook import create_app

GETS = [
    "/admin",
    "/admin/faq",
    "/admin/faq/new",
    "/admin/faq/renewal-fee",
    "/admin/faq/renewal-fee/history",
    "/admin/faq/renewal-fee/diff?a=1&b=1",
    "/admin/try?q=续展",
    "/admin/warnings",
    "/admin/unanswered",
    "/admin/transfer",
    "/admin/export?format=csv",
    "/admin/audit",
]
POSTS = [
    "/admin/faq/new",
    "/admin/faq/renewal-fee",
    "/admin/faq/renewal-fee/status",
    "/admin/faq/renewal-fee/rollback",
    "/admin/unanswered/dismiss",
    "/admin/unanswered/alternate",
    "/admin/import",
    "/admin/import/1/apply",
]
TEMPLATES = {
    "/admin/faq/{entry_id}": "/admin/faq/renewal-fee",
    "/admin/faq/{entry_id}/status": "/admin/faq/renewal-fee/status",
    "/admin/faq/{entry_id}/history": "/admin/faq/renewal-fee/history",
    "/admin/faq/{entry_id}/diff": "/admin/faq/renewal-fee/diff",
    "/admin/faq/{entry_id}/rollback": "/admin/faq/renewal-fee/rollback",
    "/admin/import/{import_id}/apply": "/admin/import/1/apply",
}
BODY = {"status": "retired", "revision": "1", "rep": "x", "upto": "1", "answer_zh": "改"}


def _revisions(runtime: Runtime) -> int:
    with Session(runtime.engine) as s:
        return s.exec(select(func.count()).select_from(FaqRevision)).one()


def _api_routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every API route, also inside included routers (FastAPI >= 0.16x keeps
    them nested instead of copying their routes into the app)."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in route.methods - {"HEAD"}:
                yield method, prefix + route.path
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            inner = prefix + str(getattr(context, "prefix", "") or "")
            yield from _api_routes(route.original_router.routes, inner)


def test_the_lists_cover_every_admin_route(runtime: Runtime) -> None:
    app = create_app(runtime.settings, runtime=runtime)
    listed = {("GET", p.split("?")[0]) for p in GETS} | {("POST", p) for p in POSTS}
    faq_admin = {
        (method, path)
        for method, path in _api_routes(app.routes)
        if path.startswith(("/admin/faq", "/admin/try", "/admin/warnings", "/admin/unanswered"))
        or path.startswith(("/admin/transfer", "/admin/export", "/admin/import", "/admin/audit"))
        or path == "/admin"
    }
    assert len(faq_admin) >= len(listed)  # the walk found the routes (it once found none)
    for method, path in faq_admin:
        assert (method, TEMPLATES.get(path, path)) in listed, (method, path)


def test_strangers_are_sent_to_login_and_change_nothing(
    client: TestClient, runtime: Runtime
) -> None:
    # One database for every route: building one per route would triple the suite's time.
    for path in GETS:
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == 303, path
        assert resp.headers["location"].startswith("/login?next=/admin"), path
    before = _revisions(runtime)
    for path in POSTS:
        resp = client.post(path, data=BODY, follow_redirects=False)
        assert resp.status_code == 303 and resp.headers["location"].startswith("/login"), path
    assert _revisions(runtime) == before


@pytest.mark.parametrize("role", ["staff", "expert"])
def test_other_roles_are_refused_everywhere(
    client: TestClient, runtime: Runtime, role: str
) -> None:
    token = signed_in(client, runtime, role)
    before = _revisions(runtime)
    for path in GETS:
        assert client.get(path, follow_redirects=False).status_code == 403, path
    for path in POSTS:
        resp = client.post(path, data={**BODY, "csrf_token": token}, follow_redirects=False)
        assert resp.status_code == 403, path
    assert _revisions(runtime) == before


def test_admin_opens_every_page(client: TestClient, runtime: Runtime) -> None:
    signed_in(client, runtime)
    for path in GETS:
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == (303 if path == "/admin" else 200), path


def test_admin_posts_without_or_with_a_wrong_csrf_token_are_refused(
    client: TestClient, runtime: Runtime
) -> None:
    signed_in(client, runtime)
    before = _revisions(runtime)
    for path in POSTS:
        for extra in ({}, {"csrf_token": "forged"}):
            files = {"file": ("c.csv", b"id\n")}
            resp = client.post(path, data={**BODY, **extra}, files=files, follow_redirects=False)
            assert resp.status_code == 403, path
    assert _revisions(runtime) == before
