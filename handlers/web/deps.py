"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from bot.core.conversation import Conversation
from bot.core.runtime import Runtime
from bot.core.settings import Settings

__all__ = ("ConversationDep", "RuntimeDep", "SessionDep", "SettingsDep", "get_runtime")


def get_runtime(request: Request) -> Runtime:
    """The process's runtime, built in the app's lifespan."""
    runtime: Runtime = request.app.state.runtime
    return runtime


# The dependencies that only read an attribute are coroutines: FastAPI runs a plain function
# dependency in a worker thread, one thread hop each on every request that uses it.
async def _runtime_dep(request: Request) -> Runtime:
    return get_runtime(request)


async def get_settings_dep(runtime: Annotated[Runtime, Depends(_runtime_dep)]) -> Settings:
    return runtime.settings


async def get_conversation(runtime: Annotated[Runtime, Depends(_runtime_dep)]) -> Conversation:
    return runtime.conversation


def get_db(runtime: Annotated[Runtime, Depends(_runtime_dep)]) -> Iterator[Session]:
    """A session committed when the request succeeds."""
    with Session(runtime.engine, expire_on_commit=False) as session:
        yield session
        session.commit()


RuntimeDep = Annotated[Runtime, Depends(_runtime_dep)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
ConversationDep = Annotated[Conversation, Depends(get_conversation)]
# scope="function": commit before the response leaves. With the default ("request") the
# commit ran after sending, so a browser following a POST's redirect could read the old row.
SessionDep = Annotated[Session, Depends(get_db, scope="function")]
