"""A bad form field on a staff or admin page answers with a bilingual page, not JSON; error
pages offer a signed-in user their home page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bot.core.runtime import Runtime
from tests.support.accounts import signed_in


def test_bad_field_is_a_bilingual_page(client: TestClient, runtime: Runtime) -> None:
    token = signed_in(client, runtime, "admin")
    resp = client.post(
        "/admin/faq/renewal-fee/status", data={"status": "gone", "csrf_token": token}
    )
    assert resp.status_code == 422 and resp.headers["content-type"].startswith("text/html")
    assert "状态 status: 格式不对 / not in the expected form" in resp.text
    assert "gone" not in resp.text  # the value is never echoed
    assert (
        'id="home-link" href="/admin/faq"' in resp.text
        or 'href="/admin/faq" id="home-link"' in (resp.text)
    )
    api = client.post(
        "/admin/faq/renewal-fee/status",
        data={"status": "gone", "csrf_token": token},
        headers={"accept": "application/json"},
    )
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["body", "status"]


def test_error_pages_link_a_signed_in_user_home(client: TestClient, runtime: Runtime) -> None:
    signed_in(client, runtime, "expert")
    forbidden = client.get("/staff/tickets")
    assert forbidden.status_code == 403 and "/staff/bookings" in forbidden.text
    assert "首页 / Home" in forbidden.text and "登录页 / Sign-in page" not in forbidden.text
    missing = client.get("/staff/tickets/T-2099-000001")
    assert missing.status_code in (403, 404) and "首页 / Home" in missing.text
