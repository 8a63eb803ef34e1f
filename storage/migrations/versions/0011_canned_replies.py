"""canned replies in the database (admins edit them), seeded from the former built-in set

Revision ID: 0011_canned_replies
Revises: 0010_staff_sessions
Create Date: 2026-12-04 21:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011_canned_replies"
down_revision: str | Sequence[str] | None = "0010_staff_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (key, label, zh, en, channels): a copy of handlers/staff/canned.py as it was, except that the
# request for photos is offered only where users can send pictures, with a web variant.
_SEED = [
    (
        "greet",
        "接待 Greeting",
        "您好，我是商标品牌指导站的工作人员，已经看到您的问题，正在为您查询，请稍候。",
        "Hello, I am a member of the station staff. I have read your question and am looking "
        "into it; please bear with me a moment.",
        "",
    ),
    (
        "need_details",
        "补充信息 More details",
        "为了准确答复，请提供商标名称、注册号（或申请号）以及相关材料的照片或截图。",
        "To answer precisely, please send the trademark name, its registration (or application) "
        "number, and photos or screenshots of the documents involved.",
        "telegram,wechat",
    ),
    (
        "need_details_web",
        "补充信息 More details",
        "为了准确答复，请提供商标名称和注册号（或申请号），并简要说明材料上写的内容。",
        "To answer precisely, please send the trademark name and its registration (or "
        "application) number, and tell us briefly what the documents say.",
        "web",
    ),
    (
        "call_back",
        "电话回访 Call back",
        "这个问题电话沟通更方便。请留下您的手机号，我们会在工作时间致电您。",
        "This is easier to discuss by phone. Please leave a mobile number and we will call you "
        "during office hours.",
        "",
    ),
    (
        "visit",
        "预约面谈 Visit",
        "建议您携带相关材料到指导站面谈，也可以回复“预约专家”在线预约时间。",
        "We suggest an appointment at the station with your documents; reply 'book an expert' "
        "to choose a time online.",
        "",
    ),
    (
        "closing",
        "结束语 Closing",
        "如果没有其他问题，我们将结束本次咨询。感谢您的耐心！",
        "If there is nothing else, we will close this request now. Thank you for your patience!",
        "",
    ),
]


def upgrade() -> None:
    table = op.create_table(
        "canned_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("text_zh", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("text_en", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("channels", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name=op.f("uq_canned_reply_key")),
    )
    now = sa.func.now()
    rows = [
        {
            "key": key,
            "label": label,
            "text_zh": zh,
            "text_en": en,
            "channels": channels,
            "position": n * 10,
            "active": True,
            "updated_by": "system",
        }
        for n, (key, label, zh, en, channels) in enumerate(_SEED)
    ]
    for row in rows:
        op.execute(table.insert().values(**row, updated_at=now))


def downgrade() -> None:
    op.drop_table("canned_reply")
