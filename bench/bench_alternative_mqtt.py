"""The stack communes build themselves, Mosquitto → Node-RED → InfluxDB 1.6, on our MQTT work.

The same work as ``bench_ingest_mqtt.py`` (whose pieces it imports), in one run on a private
Mosquitto (no queue limit):

1. the broker alone: a queued stream delivered to a QoS 1 subscriber that only counts;
2. a private Node-RED running a flow this script writes, draining into a private InfluxDB 1.6
   the same queued streams, queued while Node-RED was stopped (an offline persistent session):
   native readings on the generic topic scheme (one reading a message), then, unless
   ``--no-chirpstack``, ChirpStack uplinks (six readings a message: four measures, and the RSSI
   and SNR of the gateway that heard it best; decoded by a function node).

The flow, one mqtt client (QoS 1, MQTT 5, clean session off, a fixed client id, session expiry
3600 s, as our worker connects; Node-RED's mqtt node sends no Receive Maximum)::

    mqtt in (JSON) → function (message → array of points: measurement = quantity,
    tag device, field value, time = the message's) → join (500 messages, or 1 s after the
    first, whichever comes first) → function (flatten) → influxdb batch (precision s)

Node-RED's mqtt node acknowledges a QoS 1 message when it receives it, before the flow has
written it anywhere; ``convergence ingest mqtt`` acknowledges after the database commit. A
crash of Node-RED loses what it had acknowledged and not yet written; our worker loses nothing.

A drain is timed from the moment Node-RED logs that its mqtt client is connected (the broker
then delivers the queue) until InfluxDB counts every point (``SELECT count(value)``, asked four
times a second). It is also shown from the first point stored, as the other bench times our
worker, whose first commit comes one batch after its connection; Node-RED acknowledges on
receipt and can take in much of the queue before its first write. CPU seconds
of the node-red and influxd processes are read from /proc over the same window. InfluxDB's
bytes per reading are its shard (TSM) and WAL files for the bench database, right after the
drain and again once the cache has been snapshotted to TSM files and fully compacted (this
config sets the cold durations to 5 s and 10 s, instead of 10 min and 4 h, so that happens
within the run); its series file (a key per series, sparse preallocated segments) is shown
apart.

Needs, besides the project's venv:

* InfluxDB 1.6 from Debian (``influxd`` on PATH); the script runs its own ``influxd`` with a
  config in a temporary directory, never the system service::

      RUNLEVEL=1 apt-get install -y influxdb influxdb-client   # RUNLEVEL=1: do not start it

* Node-RED and its InfluxDB nodes installed with npm in one directory, by default ``.node``
  at the repository root (ignored by git), or the one given with ``--node-red``::

      mkdir -p .node && cd .node && echo '{"private": true}' > package.json
      npm install node-red node-red-contrib-influxdb

Run from the repository root::

    python bench/bench_alternative_mqtt.py [--messages 100000] [--node-red .node]

Prints figures only; it asserts nothing about time. Exits 2 when a prerequisite is missing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench_ingest_mqtt import (
    STREAMS,
    T0,
    Stream,
    broker_rate,
    chirpstack_stream,
    free_port,
    mosquitto,
    native_stream,
    peak_memory_mib,
    publish,
    wait_until,
)

REPOSITORY = Path(__file__).resolve().parent.parent
DATABASE = "bench"
BATCH = 500  # messages a write, as the ingest worker's batches
BATCH_SECONDS = 1  # a partial batch is written this long after its first message
CLIENT_ID = "bench-nodered"
CONNECTED = "Connected to broker: "  # what Node-RED logs (level info) once its client is
POLL = 0.25  # seconds between two counts in InfluxDB
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

INSTALL = """\
Install them first (see this script's docstring):
  RUNLEVEL=1 apt-get install -y influxdb influxdb-client
  mkdir -p .node && cd .node && echo '{"private": true}' > package.json \\
    && npm install node-red node-red-contrib-influxdb"""

# The flow's code, run by Node-RED's function nodes.
NATIVE_POINTS = """\
const body = msg.payload;
msg.payload = [{
    measurement: body.quantity,
    tags: {device: msg.topic.split("/")[2]},
    fields: {value: body.value},
    timestamp: new Date(body.ts),
}];
return msg;
"""
CHIRPSTACK_POINTS = """\
const body = msg.payload;
const device = body.deviceInfo.devEui;
const timestamp = new Date(body.time);
const measures = Object.assign({}, body.object);
let best = null;  // the gateway that heard the uplink best: highest RSSI, then SNR
for (const rx of body.rxInfo || []) {
    if (!best || rx.rssi > best.rssi || (rx.rssi === best.rssi && rx.snr > best.snr)) best = rx;
}
if (best) {
    if (typeof best.rssi === "number") measures.rssi = best.rssi;
    if (typeof best.snr === "number") measures.snr = best.snr;
}
msg.payload = Object.keys(measures).map((quantity) => ({
    measurement: quantity,
    tags: {device: device},
    fields: {value: measures[quantity]},
    timestamp: timestamp,
}));
return msg;
"""
# A QoS 1 subscriber that only counts, on MQTT.js, the client Node-RED's mqtt nodes use: the
# broker alone measured again without the Python client's own cost.
COUNTER = """\
const mqtt = require(process.env.BENCH_MQTT_MODULE);
const [port, clientId, topic, expected] = process.argv.slice(2);
const client = mqtt.connect({
    host: "127.0.0.1", port: Number(port), clientId: clientId, clean: false,
    protocolVersion: 5, properties: {sessionExpiryInterval: 3600},
});
if (expected === "0") {
    client.on("connect", () => client.subscribe(topic, {qos: 1}, () => client.end()));
} else {
    let count = 0, first = 0n, last = 0n;
    client.on("message", () => {
        last = process.hrtime.bigint();
        if (count++ === 0) first = last;
        if (count === Number(expected)) {
            console.log((count - 1) / (Number(last - first) / 1e9));
            client.unsubscribe(topic, () => client.end());  // queue nothing more for it
        }
    });
}
"""
FLATTEN = "msg.payload = msg.payload.flat();\nreturn msg;\n"

NODE_RED_SETTINGS = """\
module.exports = {{
    uiHost: "127.0.0.1",
    uiPort: {port},
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: false,
    mqttReconnectTime: 1000,
    logging: {{console: {{level: "info", metrics: false, audit: false}}}},
    editorTheme: {{projects: {{enabled: false}}}},
    externalModules: {{autoInstall: false, palette: {{allowInstall: false}}}},
}};
"""


def flow(mqtt_port: int, influx_port: int, topics: list[str]) -> list[dict[str, Any]]:
    """The Node-RED flow: one broker connection, one mqtt-in node per topic filter."""
    tab = "bench-tab"
    nodes: list[dict[str, Any]] = [
        {"id": tab, "type": "tab", "label": "bench"},
        {
            "id": "bench-broker",
            "type": "mqtt-broker",
            "name": "mosquitto",
            "broker": "127.0.0.1",
            "port": str(mqtt_port),
            "clientid": CLIENT_ID,
            "autoConnect": True,
            "usetls": False,
            "protocolVersion": "5",
            "keepalive": "60",
            "cleansession": False,
            "autoUnsubscribe": False,  # a stop keeps the subscription in the session
            "sessionExpiry": "3600",
        },
        {
            "id": "bench-influxdb",
            "type": "influxdb",
            "hostname": "127.0.0.1",
            "port": str(influx_port),
            "database": DATABASE,
            "name": "bench",
            "usetls": False,
            "influxdbVersion": "1.x",
        },
    ]
    for n, (topic, code) in enumerate(zip(topics, (NATIVE_POINTS, CHIRPSTACK_POINTS), strict=True)):
        nodes += [
            {
                "id": f"bench-in-{n}",
                "type": "mqtt in",
                "z": tab,
                "topic": topic,
                "qos": "1",
                "datatype": "json",
                "broker": "bench-broker",
                "nl": False,
                "rap": True,
                "rh": 0,
                "inputs": 0,
                "wires": [[f"bench-points-{n}"]],
            },
            {
                "id": f"bench-points-{n}",
                "type": "function",
                "z": tab,
                "func": code,
                "outputs": 1,
                "wires": [["bench-join"]],
            },
        ]
    nodes += [
        {
            "id": "bench-join",
            "type": "join",
            "z": tab,
            "mode": "custom",
            "build": "array",
            "property": "payload",
            "propertyType": "msg",
            "key": "topic",
            "joiner": "\\n",
            "joinerType": "str",
            "useparts": False,
            "accumulate": False,
            "timeout": str(BATCH_SECONDS),
            "count": str(BATCH),
            "wires": [["bench-flatten"]],
        },
        {
            "id": "bench-flatten",
            "type": "function",
            "z": tab,
            "func": FLATTEN,
            "outputs": 1,
            "wires": [["bench-write"]],
        },
        {
            "id": "bench-write",
            "type": "influxdb batch",
            "z": tab,
            "influxdb": "bench-influxdb",
            "precision": "s",
            "retentionPolicy": "",
            "wires": [],
        },
    ]
    return nodes


@dataclass
class Influx:
    port: int
    process: subprocess.Popen[bytes]
    work: Path

    def query(self, statement: str) -> Any:
        query = urllib.parse.urlencode({"db": DATABASE, "q": statement})
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/query", data=query.encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def count(self) -> int:
        """Points stored in the bench database, all measurements."""
        result = self.query("SELECT count(value) FROM /.*/")["results"][0]
        return sum(series["values"][0][1] for series in result.get("series", []))

    def disk(self) -> tuple[int, int, int]:
        """Bytes of the bench database's shards (TSM files and field index) and of its WAL,
        and the blocks its series file has on disk (it preallocates sparse 4 MiB segments,
        and holds one key per series, not per reading)."""
        series, shards = self.work / "data" / DATABASE / "_series", 0
        for path in (self.work / "data" / DATABASE).rglob("*"):
            if path.is_file() and series not in path.parents:
                shards += path.stat().st_size
        allocated = sum(p.stat().st_blocks * 512 for p in series.rglob("*") if p.is_file())
        return shards, _bytes(self.work / "wal" / DATABASE), allocated


def _bytes(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def _pinged(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1) as response:
            return bool(response.status == 204)
    except OSError:
        return False


@contextmanager
def influxdb(work: Path) -> Iterator[Influx]:
    """A private influxd: its own directories, ports and config; nothing reported home."""
    work.mkdir()
    port = free_port()
    config = work / "influxdb.conf"
    config.write_text(
        f'reporting-disabled = true\nbind-address = "127.0.0.1:{free_port()}"\n'
        f'[meta]\n  dir = "{work / "meta"}"\n'
        f'[data]\n  dir = "{work / "data"}"\n  wal-dir = "{work / "wal"}"\n'
        '  query-log-enabled = false\n  cache-snapshot-write-cold-duration = "5s"\n'
        '  compact-full-write-cold-duration = "10s"\n'
        "[monitor]\n  store-enabled = false\n"
        f'[http]\n  bind-address = "127.0.0.1:{port}"\n  log-enabled = false\n'
    )
    with (work / "influxd.log").open("wb") as log:
        process = subprocess.Popen(
            [shutil.which("influxd") or "influxd", "run", "-config", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: _pinged(port), timeout=30, every=0.1)
        influx = Influx(port, process, work)
        influx.query(f"CREATE DATABASE {DATABASE}")
        yield influx
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def node_red(
    prefix: Path, work: Path, nodes: list[dict[str, Any]]
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Node-RED running ``nodes``, and its log (new at each start); stopped gracefully (its
    mqtt client disconnects, the broker keeps the session and queues for it)."""
    work.mkdir(exist_ok=True)
    modules = work / "node_modules"
    if not modules.is_symlink():
        modules.symlink_to(prefix / "node_modules")  # where it finds the InfluxDB nodes
    (work / "settings.js").write_text(NODE_RED_SETTINGS.format(port=free_port()))
    (work / "flows.json").write_text(json.dumps(nodes, indent=1))
    red = prefix / "node_modules" / "node-red" / "red.js"
    command = ["node", str(red), "--userDir", str(work), "--settings", str(work / "settings.js")]
    log_path = work / "node-red.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, str(work / "flows.json")], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process, log_path
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def mqttjs_broker_rate(prefix: Path, work: Path, port: int, stream: Stream) -> float:
    """``broker_rate`` with a subscriber on MQTT.js (Node.js) instead of paho (Python)."""
    script = work / "count.js"
    script.write_text(COUNTER)
    env = os.environ | {"BENCH_MQTT_MODULE": str(prefix / "node_modules" / "mqtt")}
    client_id, topic = f"bench-mqttjs-{secrets.token_hex(3)}", stream[0][0].split("/", 1)[0] + "/#"
    command = ["node", str(script), str(port), client_id, topic]
    subprocess.run([*command, "0"], env=env, check=True, timeout=60)
    publish(port, stream)  # queued by the broker for the offline session
    done = subprocess.run(
        [*command, str(len(stream))], env=env, check=True, timeout=600, capture_output=True
    )
    return float(done.stdout)


def cpu_seconds(*processes: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds the processes have used so far (/proc/PID/stat)."""
    total = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return total / CLOCK_TICKS


@dataclass
class Drain:
    rate: float  # readings/s from the connection to the last stored
    from_first: float  # readings/s from the first stored to the last
    slowest: float  # fewest readings stored in a whole second of it
    cpu: dict[str, float]  # CPU seconds per process over the same window
    readings: int  # readings stored in that window


def drain(influx: Influx, expected: int, red: subprocess.Popen[bytes], log: Path) -> Drain:
    """Readings/s stored from the moment Node-RED's mqtt client is connected (the broker then
    delivers the queue) to the last point stored, counted four times a second; the same from
    the first count that found points, as ``bench_ingest_mqtt.drain`` times our worker (whose
    first commit comes one batch after its connection); the fewest stored in a whole second,
    and CPU seconds from the connection to the end."""
    before = influx.count()
    processes = {"node-red": red, "influxd": influx.process}
    wait_until(lambda: CONNECTED in log.read_text(errors="replace"), timeout=120, every=0.01)
    start = time.perf_counter()
    cpu = {name: cpu_seconds(process) for name, process in processes.items()}
    counts, times, tick = [0], [start], start
    while counts[-1] < expected:
        tick += POLL
        time.sleep(max(0.0, tick - time.perf_counter()))
        counts.append(influx.count() - before)
        times.append(time.perf_counter())
        if tick - start > 1800:
            raise TimeoutError(f"{counts[-1]} of {expected} stored in 30 minutes")
    used = {name: cpu_seconds(process) - cpu[name] for name, process in processes.items()}
    first = next(n for n, count in enumerate(counts) if count)
    from_first = float("nan")  # when all came in at once
    if first < len(counts) - 1:
        from_first = (expected - counts[first]) / (times[-1] - times[first])
    seconds = counts[:-1][:: round(1 / POLL)]  # the last second ends early
    slowest = min((b - a for a, b in itertools.pairwise(seconds)), default=float("nan"))
    return Drain(expected / (times[-1] - start), from_first, slowest, used, expected)


def compacted(
    influx: Influx, *, settle: float = 6.0, timeout: float = 180.0
) -> tuple[int, int, int]:
    """``Influx.disk`` once the WAL is snapshotted and the sizes have not
    moved for ``settle`` seconds."""
    deadline, last, since = time.monotonic() + timeout, (-1, -1, -1), time.monotonic()
    while time.monotonic() < deadline:
        sizes = influx.disk()
        tmp = any((influx.work / "data" / DATABASE).rglob("*.tmp"))
        if sizes != last or tmp:
            last, since = sizes, time.monotonic()
        elif time.monotonic() - since >= settle and sizes[1] < sizes[0] // 100:
            return sizes
        time.sleep(1.0)
    return last


def probes(root: str, application: str) -> Stream:
    """One message on each topic, a day before the streams, until the flow is subscribed."""
    stream = []
    for topic, payload in (*native_stream(root, 1), *chirpstack_stream(application, 1)):
        body = json.loads(payload)
        key = "ts" if "ts" in body else "time"
        body[key] = (T0 - timedelta(days=1)).isoformat()
        stream.append((topic, json.dumps(body).encode()))
    return stream


def raw(stream: Stream) -> Stream:
    """The stream under a topic root of its own: the counting subscriber's session, left
    subscribed to that root's ``#``, queues none of the flow's messages."""
    root = f"raw{secrets.token_hex(3)}"
    return [(f"{root}/{topic}", payload) for topic, payload in stream]


def missing(prefix: Path) -> list[str]:
    wanted = [
        ("influxd", shutil.which("influxd")),
        ("node", shutil.which("node")),
        ("node-red", (prefix / "node_modules" / "node-red" / "red.js").is_file()),
        (
            "node-red-contrib-influxdb",
            (prefix / "node_modules" / "node-red-contrib-influxdb" / "influxdb.js").is_file(),
        ),
    ]
    return [name for name, found in wanted if not found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument(
        "--node-red",
        type=Path,
        default=REPOSITORY / ".node",
        help="the directory where node-red and node-red-contrib-influxdb were npm-installed",
    )
    parser.add_argument("--no-chirpstack", action="store_true")
    args = parser.parse_args()
    prefix = args.node_red.resolve()
    absent = missing(prefix)
    if absent:
        print(f"Missing: {', '.join(absent)} (Node-RED looked for in {prefix}).", file=sys.stderr)
        print(INSTALL, file=sys.stderr)
        sys.exit(2)

    with tempfile.TemporaryDirectory() as scratch, mosquitto(Path(scratch)) as port:
        work = Path(scratch)
        root, application = f"bench{secrets.token_hex(3)}", secrets.token_hex(8)
        topics = [f"{root}/+/+/up", f"application/{application}/device/+/event/up"]
        makers = ((native_stream, root), (chirpstack_stream, application))
        streams = [
            (name, per_message, make, make(label, args.messages))
            for (name, per_message), (make, label) in zip(STREAMS, makers, strict=True)
        ][: 1 if args.no_chirpstack else 2]
        print(
            "Mosquitto alone, queued stream → counting QoS 1 subscriber, paho (Python) | MQTT.js:"
        )
        alone = []
        for name, _per_message, make, _stream in streams:
            paho = broker_rate(port, raw(make(secrets.token_hex(8), args.messages)))
            stream = raw(make(secrets.token_hex(8), args.messages))
            node = mqttjs_broker_rate(prefix, work, port, stream)
            alone.append((paho, node))
            print(f"  {name:<40} {paho:>8,.0f} | {node:>8,.0f} messages/s")
        with influxdb(work / "influxdb") as influx:
            nodes = flow(port, influx.port, topics)
            with node_red(prefix, work / "node-red", nodes):  # subscribes, then stops

                def probed() -> bool:
                    publish(port, probes(root, application))
                    return influx.count() >= 1 + STREAMS[1][1]

                wait_until(probed, timeout=120, every=1.0)
            print(
                f"Node-RED → InfluxDB 1.6 (one flow; batches of {BATCH} messages"
                f" or {BATCH_SECONDS} s; acknowledged on receipt, before the write):"
            )
            for (name, per_message, _make, stream), (paho, node) in zip(
                streams, alone, strict=True
            ):
                publish(port, stream)  # queued by the broker for the stopped flow
                with node_red(prefix, work / "node-red", nodes) as (red, log):
                    result = drain(influx, len(stream) * per_message, red, log)
                    peak = peak_memory_mib(red)
                after = influx.disk()
                settled = compacted(influx)
                total = influx.count()
                cpu = sum(result.cpu.values())
                per_second, from_first = result.rate / per_message, result.from_first / per_message
                print(
                    f"  {name:<40} {per_second:>8,.0f} messages/s"
                    f" {result.rate:>8,.0f} readings/s  ratio {per_second / paho:.2f}"
                    f" (to MQTT.js {per_second / node:.2f})"
                    f"  from the first point stored {from_first:,.0f} messages/s,"
                    f" ratio {from_first / paho:.2f}"
                    f"  slowest second {result.slowest / per_message:>7,.0f} messages"
                    f"  Node-RED peak memory {peak:,.0f} MiB"
                )
                print(
                    f"    CPU over the drain: node-red {result.cpu['node-red']:.1f} s,"
                    f" influxd {result.cpu['influxd']:.1f} s"
                    f" = {cpu / len(stream) * 1e6:,.0f} µs a message"
                    f" ({cpu / result.readings * 1e6:,.0f} µs a reading)"
                )
                print(
                    f"    InfluxDB on disk, {total:,} readings stored: right after the drain"
                    f" {(after[0] + after[1]) / total:.1f} B/reading"
                    f" (shards {after[0]:,} B + WAL {after[1]:,} B); after snapshot and full"
                    f" compaction {(settled[0] + settled[1]) / total:.1f} B/reading"
                    f" (shards {settled[0]:,} B + WAL {settled[1]:,} B); series file"
                    f" {settled[2]:,} B on disk besides"
                )
        print(
            "Ratio: the messages/s above divided by the broker's own rate for the same stream, as"
            " the ingest bench measures it (paho subscriber), and to an MQTT.js subscriber's."
        )


if __name__ == "__main__":
    main()
