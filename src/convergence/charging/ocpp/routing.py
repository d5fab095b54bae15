"""``ocpp.routing`` decorators that keep the handler's type (the library ships no hints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from ocpp import routing

HandlerT = TypeVar("HandlerT", bound=Callable[..., Any])


def on_action(action: str) -> Callable[[HandlerT], HandlerT]:
    """``ocpp.routing.on``: the handler answering a request (its schema is validated)."""
    return cast("Callable[[HandlerT], HandlerT]", routing.on(action))
