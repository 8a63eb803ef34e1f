"""tmbot's settings, read from TMBOT_* environment variables and an optional .env file."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from pydantic import (
    Field,
    SecretStr,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ("BUNDLED_CORPUS", "Settings", "get_settings")

BUNDLED_CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus"
_DEV_SECRET = "dev-insecure-change-me"


class Settings(BaseSettings):
    """Every knob of tmbot; documented in README.md."""

    model_config = SettingsConfigDict(env_prefix="TMBOT_", env_file=".env", extra="ignore")

    env: str = Field("development", description="development | production")
    database_url: str = "sqlite:///./data/tmbot.db"
    # PostgreSQL pool per process (storage/db.py): connections kept open, extra ones allowed
    # under a burst, seconds to wait for one, and seconds after which a connection is renewed.
    db_pool_size: int = 20
    db_max_overflow: int = 10
    db_pool_timeout: float = 10.0
    db_pool_recycle: int = 1800
    # Turns a worker runs at once (web chat, WeChat, Telegram: handlers/web/threads.py), and as
    # many other blocking requests (pages, polls): together they fit the pool, so a burst waits
    # for a thread instead of opening and closing connections past it.
    turn_threads: int = Field(10, ge=1)
    # How often (ms) a process reads the FAQ corpus version; a moved version is rebuilt in the
    # background (bot/faq/corpus.py). Edits made in the same process are seen at once.
    faq_check_ms: int = 1000
    corpus_dir: Path = BUNDLED_CORPUS
    secret_key: str = _DEV_SECRET
    timezone: str = "Asia/Shanghai"
    # Retrieval confidence bands (0-100), tuned on tests/data/devset.yaml (docs/benchmarks.md).
    answer_threshold: float = 62.0
    suggest_threshold: float = 46.0
    max_message_chars: int = 2000
    run_worker: bool = True  # drain the outbox inside `tmbot serve` (off: run `tmbot worker`)
    # Handoff to staff (bot/handoff/skill.py): working hours, first-response SLA and staff notifiers.
    station_hours: str = Field("09:00-17:30", pattern=r"^\d{2}:\d{2}-\d{2}:\d{2}$")
    handoff_max_per_hour: int = Field(3, ge=1)  # new tickets one user may open in an hour
    handoff_sla_minutes: int = 120  # working minutes from a new ticket to the first staff reply
    handoff_autoclose_days: int = Field(7, ge=0)  # resolved, unrated -> closed after (0: never)
    # Files staff send back to the user (bot/handoff/outfiles.py); WeChat takes images up to 10 MB.
    handoff_file_max_mb: int = Field(10, ge=1, le=20)
    public_url: str = ""  # e.g. https://tmbot.example.cn: links in staff notifications
    wecom_webhook_url: str = Field("", repr=False)  # 企业微信 group robot; its key is a secret
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = Field("starttls", pattern="^(starttls|ssl|none)$")
    smtp_user: str = ""
    smtp_password: str = Field("", repr=False)
    smtp_from: str = ""
    staff_emails: str = ""  # comma-separated addresses told of new tickets
    station_name_zh: str = "商标品牌指导站"
    station_name_en: str = "Trademark Brand Guidance Station"
    station_phone: str = ""
    station_address_zh: str = ""
    station_address_en: str = ""
    station_logo_url: str = ""  # the web chat's logo; empty = the bundled /logo.svg
    # Expert booking (bot/booking/skill.py): lead time, change cut-off, per-user limit, horizon.
    booking_cutoff_hours: float = Field(2.0, ge=0)  # a slot must start at least this far ahead
    booking_change_cutoff_hours: float = Field(4.0, ge=0)  # cancel/reschedule until then
    booking_max_upcoming: int = Field(3, ge=1)  # upcoming bookings per user
    booking_max_per_day: int = Field(5, ge=1)  # bookings one user may make in 24 hours
    booking_max_per_address_day: int = Field(10, ge=1)  # web bookings from one address, 24 h
    booking_days_ahead: int = Field(14, ge=1, le=90)  # how far ahead slots are offered
    booking_demo_experts: bool = True  # load the demo experts into a database without experts
    # Staff login (handlers/web/auth.py): lock an account after this many failures in a row.
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    login_ip_max_failures: int = 30  # failures from one address within the lockout window
    # Abuse limits (handlers/web/guard.py): body caps before parsing, requests per address.
    max_body_bytes: int = Field(1_048_576, ge=1024)  # every endpoint but uploads
    max_upload_bytes: int = Field(20_971_520, ge=1024)  # admin imports, staff uploads
    rate_limit_storage: str = "memory://"  # or redis://127.0.0.1:6379 to share between workers
    rate_limit_chat: str = "120/minute"  # POST /api/chat per address
    rate_limit_webhook: str = "1200/minute"  # POST /wechat, /telegram/webhook per address
    rate_limit_login: str = "30/minute"  # POST /login per address
    rate_limit_identity: str = "30/minute"  # POST /api/chat per visitor, /wechat per openid
    session_max_age_hours: int = 12
    # `tmbot corpus check` warns, and the admin's warnings page flags, entries whose as_of is
    # older than this.
    corpus_max_age_days: int = Field(365, ge=1)
    # Trademark tools (bot/tools/skill.py): CHF→CNY rate for Madrid estimates and its date;
    # other copies of the fee table / holiday table (default: the bundled knowledge/data files).
    chf_cny_rate: float = Field(8.9, gt=0)
    chf_cny_rate_as_of: dt.date | None = None
    fees_file: Path | None = None
    holidays_file: Path | None = None
    # Retention of personal data (bot/privacy/service.py), in days; 0 = keep.
    retention_transcript_days: int = Field(365, ge=0)  # chat transcripts, idle conversation state
    retention_question_log_days: int = Field(365, ge=0)  # then anonymised (figures stay)
    retention_delivery_days: int = Field(30, ge=0)  # outbox / de-duplication / WeChat delivery rows
    retention_closed_ticket_days: int = Field(730, ge=0)  # then anonymised
    retention_cancelled_booking_days: int = Field(365, ge=0)  # then the contact is removed
    # What this station says about its own fees ({{station:fees}} in corpus answers): the 2021
    # notice makes stations public-service windows but says nothing of fees, so each station
    # states its own practice here.
    station_fees_zh: str = (
        "本站服务是否收费，请以本站公布的服务说明为准，或回复“人工”向工作人员确认。"
    )
    station_fees_en: str = (
        "Whether this station charges for a service is set out in its own service terms; "
        'reply "human" to ask staff.'
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    # Telegram (handlers/telegram/adapter.py): the bot token, the webhook secret token, the Bot API base
    # URL (a local Bot API server or a test double can stand in) and the staff group's chat id.
    telegram_token: SecretStr | None = None
    telegram_secret: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_staff_chat: int | None = None
    # Pacing below Telegram's limits (seconds between messages to one chat / to one group).
    telegram_chat_interval: float = Field(1.0, ge=0)
    telegram_group_interval: float = Field(3.0, ge=0)

    @field_validator("telegram_token", "telegram_secret", "telegram_staff_chat", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("telegram_secret")
    @classmethod
    def _telegram_secret_format(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram refuses other secrets in setWebhook; say so at startup, not at deploy.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("TMBOT_TELEGRAM_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
        return value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def telegram_enabled(self) -> bool:
        return self.telegram_token is not None

    # WeChat Official Account (handlers/wechat*.py): webhook token, AppID/AppSecret for the API,
    # EncodingAESKey (safe mode when set), API base (a local stand-in can replace WeChat's).
    wechat_token: SecretStr = SecretStr("")
    wechat_appid: str = ""
    wechat_secret: SecretStr = SecretStr("")
    wechat_aes_key: SecretStr = SecretStr("")
    wechat_api_url: str = "https://api.weixin.qq.com/cgi-bin/"
    wechat_reply_budget: float = 4.0  # seconds; slower answers go out as customer-service messages
    wechat_max_skew: int = 300  # seconds a request's timestamp may differ from ours (0: no check)
    # 订阅通知 templates outside the 48-hour window, one per purpose (the user consents to each
    # through WeChat's own popup): booking reminders and staff replies. The old single
    # TMBOT_WECHAT_SUBSCRIBE_TEMPLATE still serves booking reminders when no reminder one is set.
    wechat_subscribe_template: str = ""
    wechat_template_reminder: str = ""
    wechat_template_reply: str = ""
    wechat_subscribe_field: str = "thing1"  # the template field that carries the summary
    wechat_link_days: int = 7  # how long a notice's link to the whole reply stays valid

    @field_validator("wechat_aes_key")
    @classmethod
    def _wechat_aes_key_format(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        key = value.get_secret_value()
        if key and not re.fullmatch(r"[A-Za-z0-9]{43}", key):
            raise ValueError("TMBOT_WECHAT_AES_KEY: the 43-character EncodingAESKey (A-Z a-z 0-9)")
        if key and not info.data.get("wechat_appid"):
            # Safe mode checks the AppID inside every message: without it all would be refused.
            raise ValueError("TMBOT_WECHAT_AES_KEY needs TMBOT_WECHAT_APPID (safe mode)")
        return value

    @property
    def uses_dev_secret(self) -> bool:
        """The public placeholder signs sessions and links (development only)."""
        return self.secret_key == _DEV_SECRET

    @model_validator(mode="after")
    def _no_dev_secret_in_production(self) -> Settings:
        # A placeholder secret signs session cookies anyone could forge.
        if self.env == "production" and self.secret_key == _DEV_SECRET:
            raise ValueError("TMBOT_SECRET_KEY must be set in production")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, built on first use (never at import)."""
    return Settings()
