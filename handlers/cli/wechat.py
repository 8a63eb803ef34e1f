"""`tmbot wechat ...`: the Official Account's custom menu."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

import typer

__all__ = ("MENU", "app")

app = typer.Typer(help="WeChat Official Account: custom menu.", no_args_is_help=True)

# WeChat allows 3 top-level buttons (up to 4 Chinese characters) with up to 5 sub-buttons each;
# the CLICK keys are the core's menu payloads (handlers/wechat/inbound.py maps them).
MENU: dict[str, Any] = {
    "button": [
        {
            "name": "商标业务",
            "sub_button": [
                {"type": "click", "name": "注册", "key": "menu:registration"},
                {"type": "click", "name": "续展", "key": "menu:renewal"},
                {"type": "click", "name": "马德里", "key": "menu:madrid"},
            ],
        },
        {"type": "click", "name": "预约专家", "key": "menu:book"},
        {"type": "click", "name": "人工服务", "key": "menu:human"},
    ]
}


@app.command("menu")
def push_menu(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the menu JSON instead of pushing it.")
    ] = False,
) -> None:
    """Push the custom menu (注册 / 续展 / 马德里 / 预约专家 / 人工服务) to the account."""
    if dry_run:
        typer.echo(json.dumps(MENU, ensure_ascii=False, indent=2))
        return
    from wechatpy.exceptions import WeChatClientException

    from bot.core.settings import get_settings
    from handlers.wechat.client import build_client
    from storage.db import make_engine, upgrade_db

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    if not settings.wechat_appid or not settings.wechat_secret.get_secret_value():
        typer.echo("error: set TMBOT_WECHAT_APPID and TMBOT_WECHAT_SECRET first", err=True)
        raise typer.Exit(2)
    upgrade_db(settings.database_url)  # the access token is cached in the database
    engine = make_engine(settings.database_url)
    try:
        build_client(settings, engine).menu.create(MENU)
    except WeChatClientException as exc:
        typer.echo(f"error: WeChat refused the menu: {exc.errcode} {exc.errmsg}", err=True)
        raise typer.Exit(1) from exc
    except OSError as exc:  # requests' connection errors are OSErrors
        typer.echo(f"error: cannot reach {settings.wechat_api_url}: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    typer.echo("menu pushed: 商标业务(注册/续展/马德里) / 预约专家 / 人工服务")
