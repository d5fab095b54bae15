"""ZoneMinder (1.36) through its REST API: events are the recordings of a monitor.

- list: ``GET api/events/index/MonitorId:<id>/EndDateTime >=:<start>/StartDateTime <=:<end>.json``
  (paged; ZoneMinder stores its server's local time, given here as ``timezone``);
- export: ``GET index.php?view=view_video&eid=<id>`` — the event's video file as stored
  (monitors record with a video writer, e.g. camera passthrough);
- purge: ``DELETE api/events/<id>.json``; its answer is kept as proof of destruction.

Paths go through ``api/index.php/`` so the API works without Apache's rewrite module.
With authentication on, ``api/host/login.json`` gives a token sent as ``token=``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from convergence.video.connectors.base import Clip, RecorderError, Recording

ZM_TIME = "%Y-%m-%d %H:%M:%S"


class ZoneMinderRecorder:
    name = "zoneminder"

    def __init__(
        self,
        base_url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        timezone: str = "UTC",
        timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.zone = ZoneInfo(timezone)
        self._credentials = (user, password) if user else None
        self._token: str | None = None
        self._client = httpx.Client(timeout=timeout_s, transport=transport)

    def close(self) -> None:
        self._client.close()

    def _params(self) -> dict[str, str]:
        if self._credentials is None:
            return {}
        if self._token is None:
            user, password = self._credentials
            data = self._call("POST", "host/login.json", data={"user": user, "pass": password})
            self._token = str(data["access_token"])
        return {"token": self._token}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise RecorderError(
                f"ZoneMinder answered {method} {path} with something else than JSON: "
                f"{response.text[:300]!r}"
            ) from None

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{self.base_url}/api/index.php/{path}"
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise RecorderError(f"ZoneMinder unreachable at {self.base_url}: {error}") from None
        if response.status_code >= 400:
            raise RecorderError(
                f"ZoneMinder answered {response.status_code} to {method} {path}: "
                f"{response.text[:300]}"
            )
        return response

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime(ZM_TIME)

    def _utc(self, text: str) -> datetime:
        return datetime.strptime(text, ZM_TIME).replace(tzinfo=self.zone)

    def list_recordings(self, camera_ref: str, start: datetime, end: datetime) -> list[Recording]:
        filters = "/".join(
            quote(part, safe=":")
            for part in (
                f"MonitorId:{int(camera_ref)}",
                f"EndDateTime >=:{self._local(start)}",
                f"StartDateTime <=:{self._local(end)}",
            )
        )
        found: list[Recording] = []
        page = 1
        while True:
            data = self._call(
                "GET", f"events/index/{filters}.json", params=self._params() | {"page": str(page)}
            )
            events = (item["Event"] for item in data.get("events", []))
            # An event still being written has no end yet: it is neither exported nor purged.
            found += [
                self._recording(e) for e in events if e.get("EndDateTime") or e.get("EndTime")
            ]
            pages = int(data.get("pagination", {}).get("pageCount", 1) or 1)
            if page >= pages:
                break
            page += 1
        return sorted((r for r in found if r.overlaps(start, end)), key=lambda r: (r.start, r.ref))

    def _recording(self, event: dict[str, Any]) -> Recording:
        begins = self._utc(event.get("StartDateTime") or event["StartTime"])
        ends = self._utc(event.get("EndDateTime") or event["EndTime"])
        size = int(event.get("DiskSpace") or 0)
        return Recording(str(event["Id"]), str(event["MonitorId"]), begins, ends, size)

    def export_clip(self, recording: Recording) -> Clip:
        url = f"{self.base_url}/index.php"
        params = self._params() | {"view": "view_video", "eid": recording.ref}
        try:
            response = self._client.get(url, params=params)
        except httpx.HTTPError as error:
            raise RecorderError(f"ZoneMinder unreachable at {self.base_url}: {error}") from None
        kind = response.headers.get("content-type", "")
        if response.status_code != 200 or not kind.startswith("video/"):
            raise RecorderError(
                f"ZoneMinder has no video file for event {recording.ref} "
                f"({response.status_code}, {kind or 'no content type'}): the monitor must "
                "record with a video writer (camera passthrough or encode)"
            )
        return Clip(f"zm-event-{recording.ref}.mp4", response.content)

    def purge(self, recording: Recording) -> str:
        path = f"events/{int(recording.ref)}.json"
        response = self._request("DELETE", path, params=self._params())
        # ZoneMinder 1.36 answers an empty 200 once the event and its files are gone.
        said = response.text.strip()[:200] or "empty body"
        return f"DELETE {path}: HTTP {response.status_code}, {said}"
