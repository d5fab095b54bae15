"""One envelope for every list of the API, walked with an opaque cursor (keyset pagination).

Every list answers ``{"items": [...], "next_cursor": "…" | null, "limit": n}``. A client
asks for the first page without ``cursor`` and follows ``next_cursor`` until it is null.
Pages are cut on a unique key (the row id): a row added or removed while the client walks
the list never makes it see another row twice or miss one that was there all along, and the
database reads one page however deep the client has gone (no offset to skip).

The cursor is the base64url of a small JSON document naming the list it belongs to and the
last key served; it is checked when it comes back, and a cursor that was altered, cut, or
taken from another list is refused with a 400 that says to start again without it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Row, Select, TypeDecorator, literal, select, tuple_
from sqlalchemy.types import TypeEngine

from convergence.errors import ConvergenceError

T = TypeVar("T")
Key = int | float | str  # a key column as the cursor carries it (a time as ISO 8601 text)

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class InvalidCursor(ConvergenceError):
    """A ``cursor`` that this server did not hand out for this list."""

    code = "invalid_cursor"
    http_status = 400


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass it as `cursor` to read the next page; null on the last page."
    )
    limit: int = Field(description="The most items a page of this request holds.")


@dataclass(frozen=True)
class PageRequest:
    """What the caller asked for: at most ``limit`` items after the key in its cursor."""

    limit: int
    after: tuple[Key, ...] | None
    list_path: str

    def cursor_after(self, key: Sequence[object]) -> str:
        """The cursor of the page that follows the item whose key is ``key``."""
        plain = [v.isoformat() if isinstance(v, datetime) else v for v in key]
        document = json.dumps({"list": self.list_path, "after": plain}, separators=(",", ":"))
        return base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


# ``async def``: it does no I/O, and FastAPI would run a plain ``def`` in its thread pool, a
# hand-off that costs more than the function on every list (see ``web/deps.py``).
async def page_request(
    request: Request,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"Items per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
        ),
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(description="The `next_cursor` of the previous page; omit it for the first page."),
    ] = None,
) -> PageRequest:
    """The page asked for by ``limit`` and ``cursor``; InvalidCursor if the cursor is not ours."""
    path = request.url.path
    after = None if cursor is None else _decode(cursor, list_path=path)
    return PageRequest(limit=limit, after=after, list_path=path)


PageDep = Annotated[PageRequest, Depends(page_request)]


def _refused(detail: str = "") -> InvalidCursor:
    return InvalidCursor(
        "curseur de pagination invalide (modifié, tronqué ou d'une autre liste) : reprenez la "
        "liste depuis le début, sans « cursor » / invalid pagination cursor (altered, cut, or "
        "from another list): read the list again from the start without `cursor`",
        **({"detail": detail} if detail else {}),
    )


def _decode(cursor: str, *, list_path: str) -> tuple[Key, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        document = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _refused() from None
    if not isinstance(document, dict) or set(document) != {"list", "after"}:
        raise _refused()
    if document["list"] != list_path:
        raise _refused("this cursor belongs to another list")
    after = document["after"]
    if (
        not isinstance(after, list)
        or not after
        or not all(isinstance(v, Key) and not isinstance(v, bool) for v in after)
    ):
        raise _refused()
    return tuple(after)


def paginate(
    conn: Connection,
    statement: Select[Any],
    page: PageRequest,
    *,
    to_item: Callable[[Row[Any]], T] | None = None,
    to_items: Callable[[Sequence[Row[Any]]], list[T]] | None = None,
    key: str | tuple[str, ...] = "id",
    newest_first: bool = False,
) -> Page[T]:
    """Run one page of ``statement``, cut on its unique column ``key`` (or columns, in order).

    The statement's own order is replaced by the key's (descending when ``newest_first``);
    it must not carry a limit of its own. Rows become items one by one through ``to_item``,
    or as a whole page through ``to_items`` (when an item needs other rows).
    """
    listed = statement.order_by(None).subquery("listed")
    names = (key,) if isinstance(key, str) else key
    columns = [listed.c[name] for name in names]
    query = select(listed)
    if page.after is not None:
        values = _typed(page.after, [_python_type(c.type) for c in columns])
        # Each value is bound with its column's type (a time is stored as its column says).
        typed = [literal(v, c.type) for v, c in zip(values, columns, strict=True)]
        bound, value = (columns[0], typed[0]) if len(columns) == 1 else (
            tuple_(*columns), tuple_(*typed)
        )  # fmt: skip
        query = query.where(bound < value if newest_first else bound > value)
    query = query.order_by(*(c.desc() if newest_first else c.asc() for c in columns))
    rows = conn.execute(query.limit(page.limit + 1)).all()
    shown = rows[: page.limit]
    following = None
    if len(rows) > page.limit:
        following = page.cursor_after([shown[-1]._mapping[name] for name in names])
    if to_items is not None:
        items = to_items(shown)
    elif to_item is not None:
        items = [to_item(r) for r in shown]
    else:
        raise TypeError("paginate needs to_item or to_items")
    return Page[T](items=items, next_cursor=following, limit=page.limit)


def paginate_sequence(
    values: Sequence[T], page: PageRequest, *, key: Callable[[T], Key]
) -> Page[T]:
    """One page of a list computed in memory (a catalogue, a short list built from files).

    The same keyset rule as :func:`paginate`, for lists that are not one SQL statement.
    """
    ordered = sorted(values, key=key)
    if page.after is not None and ordered:
        [after] = _typed(page.after, [type(key(ordered[0]))])
        ordered = [v for v in ordered if key(v) > after]  # type: ignore[operator]
    shown = ordered[: page.limit]
    following = page.cursor_after([key(shown[-1])]) if len(ordered) > page.limit else None
    return Page[T](items=shown, next_cursor=following, limit=page.limit)


def _python_type(kind: TypeEngine[Any]) -> type:
    """The Python type a column holds, through a decorated type (``UTCDateTime``) too."""
    if isinstance(kind, TypeDecorator):
        return _python_type(kind.impl_instance)
    return kind.python_type


def _typed(after: tuple[Key, ...], expected: list[type]) -> list[object]:
    """The cursor's key as the list's key columns hold it; InvalidCursor if it cannot be."""
    if len(after) != len(expected):
        raise _refused("this cursor belongs to another list")
    typed: list[object] = []
    for value, kind in zip(after, expected, strict=True):
        if kind is datetime and isinstance(value, str):
            try:
                typed.append(datetime.fromisoformat(value))
            except ValueError:
                raise _refused() from None
        elif kind is float and isinstance(value, int) and not isinstance(value, bool):
            typed.append(float(value))
        elif isinstance(value, kind) and not isinstance(value, bool):
            typed.append(value)
        else:
            raise _refused("this cursor belongs to another list")
    return typed
