"""Simulated IP cameras: an RTSP server (GStreamer) with one H.264 test stream per name.

Run with the system Python, which has GStreamer's bindings (Debian packages python3-gi and
gir1.2-gst-rtsp-server-1.0): ``/usr/bin/python3 rtsp_camera.py PORT NAME [NAME...]``.
It prints ``ready`` once it listens; each camera is at ``rtsp://127.0.0.1:PORT/NAME``.
"""

import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

PIPELINE = (
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=5/1 "
    "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=5 "
    "! rtph264pay name=pay0 pt=96 )"
)


def main(port: str, names: list[str]) -> None:
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_service(port)
    mounts = server.get_mount_points()
    for name in names:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(PIPELINE)
        factory.set_shared(True)
        mounts.add_factory(f"/{name}", factory)
    server.attach(None)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
