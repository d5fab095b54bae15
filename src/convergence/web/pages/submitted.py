"""A submitted HTML form, read once and checked against the session's CSRF token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from convergence.web.deps import check_csrf

CSRF_FIELD = "csrf_token"


@dataclass(frozen=True, slots=True)
class SubmittedForm:
    """Text fields (trimmed), repeated fields (checkboxes) and uploaded files of a form."""

    fields: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, list[str]] = field(default_factory=dict)
    files: Mapping[str, bytes] = field(default_factory=dict)

    def text(self, name: str) -> str:
        """The trimmed value of a field, empty when absent."""
        return self.fields.get(name, "")

    def present(self, *names: str) -> dict[str, str]:
        """The non-blank values among ``names``."""
        return {n: self.fields[n] for n in names if self.fields.get(n)}


async def submitted_form(request: Request) -> SubmittedForm:
    """The form of a POST; PermissionDenied (403 page) when its CSRF token is wrong."""
    form = await request.form()
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    files: dict[str, bytes] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            files[name] = await value.read()
            continue
        fields.setdefault(name, value.strip())
        lists.setdefault(name, []).append(value.strip())
    await form.close()
    check_csrf(request, fields.get(CSRF_FIELD))
    return SubmittedForm(fields=fields, lists=lists, files=files)


FormDep = Annotated[SubmittedForm, Depends(submitted_form)]
