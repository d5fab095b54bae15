"""Simulated IP cameras for tests, demos and the health benchmark: ONVIF and RTSP on loopback.

One listener per protocol serves a whole fleet: each camera has its own loopback address
(127.0.x.y), and a connection is answered as the camera whose address it reached. A camera
answers ONVIF ``GetSystemDateAndTime`` (its clock, possibly off by ``clock_offset_s``) and
``GetDeviceInformation`` over SOAP/HTTP, and RTSP ``OPTIONS``/``DESCRIBE`` with an H.264 SDP —
until its stream is stopped (RTSP 503) or it is switched off (nothing answers: the caller
times out, as with a camera gone from the network).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

SOAP_ENV = "http://www.w3.org/2003/05/soap-envelope"
TDS = "http://www.onvif.org/ver10/device/wsdl"
TT = "http://www.onvif.org/ver10/schema"


@dataclass
class SimulatedCamera:
    host: str
    serial: str
    model: str = "SIM-IPC-2000"
    firmware: str = "1.4.2"
    clock_offset_s: float = 0.0
    streaming: bool = True
    powered: bool = True
    # The WS-Security user names its ONVIF requests carried (what a test checks was sent).
    users_seen: list[str] = field(default_factory=list)
    # When set, RTSP asks for Digest authentication with these (user, password).
    rtsp_credentials: tuple[str, str] | None = None


def camera_host(index: int) -> str:
    """The loopback address of the ``index``-th camera (127.0.1.1, 127.0.1.2, …)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


@dataclass
class CameraFleet:
    """Cameras served by one ONVIF listener and one RTSP listener."""

    cameras: dict[str, SimulatedCamera] = field(default_factory=dict)
    onvif_port: int = 0
    rtsp_port: int = 0
    _servers: list[asyncio.Server] = field(default_factory=list)

    @classmethod
    def of_size(cls, count: int) -> CameraFleet:
        cameras = [SimulatedCamera(camera_host(i), f"SIM{i:06d}") for i in range(count)]
        return cls({c.host: c for c in cameras})

    async def start(self) -> None:
        onvif = await asyncio.start_server(self._onvif, "0.0.0.0", self.onvif_port, backlog=4096)
        rtsp = await asyncio.start_server(self._rtsp, "0.0.0.0", self.rtsp_port, backlog=4096)
        self._servers = [onvif, rtsp]
        self.onvif_port = onvif.sockets[0].getsockname()[1]
        self.rtsp_port = rtsp.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
            await server.wait_closed()

    def rtsp_url(self, host: str) -> str:
        return f"rtsp://{host}:{self.rtsp_port}/stream1"

    def _camera(self, writer: asyncio.StreamWriter) -> SimulatedCamera | None:
        host = writer.get_extra_info("sockname")[0]
        camera = self.cameras.get(host)
        return camera if camera is not None and camera.powered else None

    async def _onvif(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        camera = self._camera(writer)
        try:
            if camera is None:
                await reader.read()  # switched off: nothing answers until the caller gives up
            else:
                body = await _read_http(reader)
                user = re.search(r"<(?:\w+:)?Username>([^<]*)</", body)
                if user:
                    camera.users_seen.append(user.group(1))
                writer.write(_http_response(_soap_answer(camera, body)))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _rtsp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        camera = self._camera(writer)
        try:
            if camera is None:
                await reader.read()
            else:  # one request per connection is all the health check sends
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                writer.write(_rtsp_answer(camera, head))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()


async def _read_http(reader: asyncio.StreamReader) -> str:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    match = re.search(r"content-length:\s*(\d+)", head, re.IGNORECASE)
    length = int(match.group(1)) if match else 0
    return (await reader.readexactly(length)).decode("utf-8", "replace")


def _http_response(body: str) -> bytes:
    data = body.encode()
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml; charset=utf-8\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + data


def _envelope(inner: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="{SOAP_ENV}" '
        f'xmlns:tds="{TDS}" xmlns:tt="{TT}"><env:Body>{inner}</env:Body></env:Envelope>'
    )


def _soap_answer(camera: SimulatedCamera, body: str) -> str:
    if "GetDeviceInformation" in body:
        return _envelope(
            "<tds:GetDeviceInformationResponse>"
            f"<tds:Manufacturer>Convergence Sim</tds:Manufacturer><tds:Model>{camera.model}"
            f"</tds:Model><tds:FirmwareVersion>{camera.firmware}</tds:FirmwareVersion>"
            f"<tds:SerialNumber>{camera.serial}</tds:SerialNumber>"
            "<tds:HardwareId>sim</tds:HardwareId></tds:GetDeviceInformationResponse>"
        )
    clock = datetime.now(UTC) + timedelta(seconds=camera.clock_offset_s)
    return _envelope(
        "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
        "<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
        "<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime>"
        f"<tt:Time><tt:Hour>{clock.hour}</tt:Hour><tt:Minute>{clock.minute}</tt:Minute>"
        f"<tt:Second>{clock.second}</tt:Second></tt:Time><tt:Date><tt:Year>{clock.year}"
        f"</tt:Year><tt:Month>{clock.month}</tt:Month><tt:Day>{clock.day}</tt:Day></tt:Date>"
        "</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
    )


SDP = (
    "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=Convergence simulated camera\r\nt=0 0\r\n"
    "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n"
)


def _rtsp_answer(camera: SimulatedCamera, head: str) -> bytes:
    cseq = re.search(r"cseq:\s*(\d+)", head, re.IGNORECASE)
    seq = cseq.group(1) if cseq else "0"
    method = head.split(" ", 1)[0]
    if not camera.streaming:
        return f"RTSP/1.0 503 Service Unavailable\r\nCSeq: {seq}\r\n\r\n".encode()
    if method == "DESCRIBE" and not _authorised(camera, head):
        return (
            f"RTSP/1.0 401 Unauthorized\r\nCSeq: {seq}\r\nWWW-Authenticate: Digest "
            f'realm="{REALM}", nonce="{NONCE}"\r\n\r\n'
        ).encode()
    if method == "DESCRIBE":
        return (
            f"RTSP/1.0 200 OK\r\nCSeq: {seq}\r\nContent-Type: application/sdp\r\n"
            f"Content-Length: {len(SDP)}\r\n\r\n{SDP}"
        ).encode()
    return f"RTSP/1.0 200 OK\r\nCSeq: {seq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n".encode()


REALM, NONCE = "SimCamera", "0a4f113b"


def _authorised(camera: SimulatedCamera, head: str) -> bool:
    """Whether a DESCRIBE carries the Digest answer the camera expects (or needs none)."""
    if camera.rtsp_credentials is None:
        return True
    found = re.search(r'^authorization:\s*digest .*response="([0-9a-f]+)"', head,
                      re.IGNORECASE | re.MULTILINE)  # fmt: skip
    uri = head.split(" ", 2)[1]
    user, password = camera.rtsp_credentials
    ha1 = hashlib.md5(f"{user}:{REALM}:{password}".encode(), usedforsecurity=False).hexdigest()
    ha2 = hashlib.md5(f"DESCRIBE:{uri}".encode(), usedforsecurity=False).hexdigest()
    expected = hashlib.md5(f"{ha1}:{NONCE}:{ha2}".encode(), usedforsecurity=False).hexdigest()
    return found is not None and found.group(1) == expected
