"""The ingestion pipeline: receive → resolve → decode/normalise → validate → qualify → store.

It works on a batch of envelopes in two steps. ``prepare`` receives, resolves the devices
(a read), decodes and validates with no transaction of its own open: a slow codec holds no
lock. ``store`` then writes, inside the caller's transaction, so that readings, rollups and
dead letters commit together and the sender is acknowledged after the commit. Any refusal,
of a whole message or of some of its values, becomes a dead letter: nothing is dropped.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine

from convergence.db.types import utcnow
from convergence.decoders.normalise import Normalisation, refusal_reason
from convergence.decoders.sdk import Decoder, Frame
from convergence.ingest import deadletters
from convergence.ingest.columns import Checker, ReadingColumns, too_old
from convergence.ingest.decoding import (
    Codecs,
    decode_frames,
    frame_of,
    needs_codec,
    normalise_decoded,
    normalise_native,
    normalise_upstream,
    radio_readings,
    unmapped_refusal,
)
from convergence.ingest.devices import Device, resolve_devices
from convergence.ingest.envelope import UNKNOWN_DEVICE, Envelope, Refusal, Refused, Source, Stage
from convergence.ingest.lorawan import parse_chirpstack, parse_tts
from convergence.ingest.messages import Message
from convergence.ingest.native import parse_native
from convergence.ingest.outcomes import BatchResult, Outcome, Rejection
from convergence.ingest.prepared import Pending, Prepared, Work
from convergence.ingest.sanitize import clean_json, clean_text
from convergence.ingest.suspensions import suspended_refusal
from convergence.quality.qualify import qualify
from convergence.timeseries.bulk import ReadingRow
from convergence.timeseries.store import (
    NewEvent,
    NewReading,
    QualityMap,
    SeriesKey,
    ensure_series,
    insert_events,
    insert_readings,
    stored_values,
    unit_mismatch,
)
from convergence.timeseries.tables import EVENT_KIND_LENGTH

UNLIMITED = 10**9
_NATIVE = frozenset({Source.http, Source.mqtt})
# A second reading at the same time with another value: kept as a dead letter, never dropped.
CONFLICTING_DUPLICATE = "conflicting_duplicate"


class Pipeline:
    """Turns envelopes into readings, events and dead letters."""

    def __init__(
        self,
        *,
        codecs: Codecs,
        max_items: int = 5000,
        clock: Callable[[], datetime] = utcnow,
        dead_letter_limits: deadletters.DeadLetterLimits = deadletters.DEFAULT_LIMITS,
    ) -> None:
        self.codecs = codecs
        self.max_items = max_items
        self.clock = clock
        self.dead_letter_limits = dead_letter_limits

    def process(
        self, conn: Connection, envelopes: Sequence[Envelope], *, replaying: bool = False
    ) -> BatchResult:
        """Run every stage on a batch, inside the caller's transaction (decoding included)."""
        return self.store(conn, self.prepare(conn, envelopes, replaying=replaying))

    def prepare(
        self, source: Connection | Engine, envelopes: Sequence[Envelope], *, replaying: bool = False
    ) -> Prepared:
        """Every stage before the store: devices read from ``source``, then frames decoded.

        Given an engine, the devices are read in a short read transaction of their own and
        the codecs run with no transaction open, so that no lock waits on a codec.
        """
        outcomes = [Outcome() for _ in envelopes]
        works: list[Work] = []
        lanes: list[ReadingColumns] = []
        for slot, env in enumerate(envelopes):
            received, columns = self._receive(slot, env, replaying=replaying)
            works += received
            if columns:
                lanes.append(columns)
                outcomes[slot].messages += len(columns)
        for slot_work in works:
            outcomes[slot_work.slot].messages += 1
        if isinstance(source, Engine):
            with source.connect() as conn:
                devices = self._resolve(conn, works, lanes)
        else:
            devices = self._resolve(source, works, lanes)
        self._decode(works)
        checker = Checker(self.clock())
        self._validate(works, checker)
        pending = [p for w in works if w.alive for p in _pending(w)]
        for columns in lanes:
            pending += self._lane(columns, devices, checker, works)
        return Prepared(outcomes, works, pending, replaying=replaying)

    def store(self, conn: Connection, prepared: Prepared) -> BatchResult:
        """Write what ``prepare`` made of a batch, inside the caller's (write) transaction.

        ``prepared`` is left as it was: a store that failed may be tried again.
        """
        batch = prepared.copy()
        result = BatchResult(outcomes=batch.outcomes)
        result.inserted, result.new_events = self._store(
            conn, batch.works, batch.pending, result.outcomes
        )
        self._dead_letters(conn, batch.works, result.outcomes, replaying=batch.replaying)
        return result

    def _receive(
        self, slot: int, envelope: Envelope, *, replaying: bool
    ) -> tuple[list[Work], ReadingColumns | None]:
        try:
            if envelope.source in _NATIVE:
                columns, messages = self._parse_native(slot, envelope, replaying=replaying)
                works = [Work(slot, envelope, m, p, refusal=m.refusal) for p, m in messages]
                return works, columns
            parsed = self._parse(envelope)
        except Refused as refused:
            message = Message(envelope.device_ref, envelope.received_at, refusal=refused.refusal)
            parsed = [message]
        return [Work(slot, envelope, m, p, refusal=m.refusal) for p, m in enumerate(parsed)], None

    def _parse_native(
        self, slot: int, envelope: Envelope, *, replaying: bool
    ) -> tuple[ReadingColumns, list[tuple[int, Message]]]:
        # Limits on batch length protect the HTTP API; a broker has its own message size limit.
        strict = envelope.source is Source.http and not replaying
        limit = self.max_items if strict else UNLIMITED
        return parse_native(envelope, max_items=limit, slot=slot)

    def _parse(self, envelope: Envelope) -> list[Message]:
        if envelope.source is Source.chirpstack:
            return parse_chirpstack(envelope)
        if envelope.source is Source.tts:
            return parse_tts(envelope)
        # A refused OCPP handshake carries no data: once its charge point is registered,
        # replaying it only resolves the device (its data arrives over its next connection).
        return [Message(envelope.device_ref, envelope.received_at)]

    def _resolve(
        self, conn: Connection, works: list[Work], lanes: list[ReadingColumns]
    ) -> dict[tuple[int | None, str], Device]:
        live = [w for w in works if w.alive]
        keys = {(w.envelope.member_id, w.message.device_ref) for w in live if w.message.device_ref}
        keys |= {(c.envelope.member_id, ref) for c in lanes for ref in set(c.devices)}
        devices = resolve_devices(conn, {(m, clean_text(r)) for m, r in keys if r})
        for work in live:
            ref = work.message.device_ref
            work.device = devices.get((work.envelope.member_id, clean_text(ref))) if ref else None
            if work.device is None:
                work.refusal = Refusal(Stage.resolve, UNKNOWN_DEVICE, _unknown_device(ref))
        return devices

    def _lane(
        self,
        columns: ReadingColumns,
        devices: dict[tuple[int | None, str], Device],
        checker: Checker,
        works: list[Work],
    ) -> list[Pending]:
        """The readings of a columns batch ready for their series; refused rows become works."""
        member_id, slot = columns.envelope.member_id, columns.slot
        by_ref = {ref: devices.get((member_id, clean_text(ref))) for ref in set(columns.devices)}
        row_devices = [by_ref[ref] for ref in columns.devices]
        known = []
        for row, device in enumerate(row_devices):
            if device is None:
                refusal = Refusal(
                    Stage.resolve, UNKNOWN_DEVICE, _unknown_device(columns.devices[row])
                )
                works.append(_refused_row(columns, row, refusal))
            else:
                known.append(row)
        pending: list[Pending] = []
        times = columns.times
        for checked in checker.check(columns, iter(known)):
            if len(checked) == 2:
                works.append(_refused_row(columns, checked[0], checked[1]))
                continue
            row, value, found = checked
            device = row_devices[row]
            assert device is not None
            quantity = found.quantity
            ts = checker.utc(times[row])
            assert ts is not None
            pending.append(
                (
                    device.asset_id,
                    device.member_id,
                    quantity.id,
                    quantity.unit,
                    ts,
                    value,
                    slot,
                    (columns, row),
                )
            )
        return pending

    def _decode(self, works: list[Work]) -> None:
        by_decoder: dict[int, tuple[Decoder, list[Work]]] = {}
        for work in (w for w in works if w.alive):
            try:
                self._decode_one(work, by_decoder)
            except Refused as refused:
                work.refusal = refused.refusal
        for decoder, batch in by_decoder.values():
            self._decode_with(decoder, batch)

    def _decode_with(self, decoder: Decoder, batch: list[Work]) -> None:
        """Decode in growing runs, so that a codec failing again and again is suspended
        before the rest of the batch pays for it (``suspensions.py``)."""
        suspensions, codec = self.codecs.suspensions, decoder.manifest.id
        start, size = 0, max(1, suspensions.after)
        while start < len(batch):
            if (suspension := suspensions.suspended(codec)) is not None:
                for work in batch[start:]:
                    work.refusal = suspended_refusal(suspension)
                return
            run = batch[start : start + size]
            frames: list[Frame] = [frame_of(w.message) for w in run]
            outcomes = decode_frames(decoder, frames)
            suspensions.record(codec, outcomes)
            for work, outcome in zip(run, outcomes, strict=True):
                try:
                    assert work.device is not None
                    _collect(work, normalise_decoded(outcome, work.message, work.device))
                except Refused as refused:
                    work.refusal = refused.refusal
            start, size = start + size, size * 2

    def _decode_one(self, work: Work, by_decoder: dict[int, tuple[Decoder, list[Work]]]) -> None:
        uplink, device = work.message.uplink, work.device
        assert device is not None
        for reading in work.message.readings:
            try:
                work.candidates.append(normalise_native(reading))
            except Refused as refused:
                work.partial.append(refused.refusal)
        if uplink is None:
            return
        if not needs_codec(uplink):
            _collect(work, normalise_upstream(work.message, work.envelope.source, device))
            return
        decoder = self.codecs.decoder(device.codec, uplink.hints)
        by_decoder.setdefault(id(decoder), (decoder, []))[1].append(work)

    def _validate(self, works: list[Work], checker: Checker) -> None:
        now = checker.now
        for work in (w for w in works if w.alive):
            assert work.device is not None
            for candidate in work.candidates:
                ts = candidate.ts or work.message.ts
                quantity, unit, value = candidate.quantity, candidate.unit, candidate.value
                reason = refusal_reason(quantity, unit, value, ts, now) or too_old(ts)
                if reason is not None:
                    work.partial.append(Refusal(Stage.validate, "implausible", reason))
                    continue
                work.readings.append(
                    NewReading(
                        work.device.asset_id,
                        work.device.member_id,
                        quantity,
                        unit,
                        ts.astimezone(UTC),
                        value,
                    )
                )

    def _store(
        self,
        conn: Connection,
        works: list[Work],
        pending: list[Pending],
        outcomes: list[Outcome],
    ) -> tuple[list[ReadingRow], list[NewEvent]]:
        wanted: dict[tuple[int, str], SeriesKey] = {}
        for item in pending:
            if (key := (item[0], item[2])) not in wanted:
                wanted[key] = SeriesKey(item[0], item[1], item[2], item[3])
        refs = ensure_series(conn, wanted.values())
        rows: list[ReadingRow] = []
        senders: list[Pending] = []  # who sent each row
        owner: dict[tuple[int, datetime], int] = {}
        # One envelope (an HTTP request, an MQTT message): its counts are made at once below.
        single = len(outcomes) == 1
        for item in pending:
            asset_id, _, quantity, unit, ts, value, slot, origin = item
            ref = refs[(asset_id, quantity)]
            if ref.unit != unit:
                refusal = Refusal(Stage.store, "unit_mismatch", unit_mismatch(ref, unit))
                _refuse(works, origin, refusal)
                continue
            rows.append((ref.id, ts, value))
            senders.append(item)
            if not single:
                # The store keeps the last of a batch's rows at one time: so does the count.
                owner[(ref.id, ts)] = slot
                outcomes[slot].duplicates += 1
        decibels = frozenset(ref.id for ref in refs.values() if ref.decibel)
        # The qualify stage: flags are kept with the rows, set-aside values feed no figure.
        flags = qualify(conn, rows)
        stored = insert_readings(conn, rows, decibel_series=decibels, quality=flags)
        if single:
            _count(outcomes[0], len(rows), stored.inserted, flags)
        else:
            for series_id, ts, _ in stored.inserted:
                outcome = outcomes[owner[(series_id, ts)]]
                outcome.stored += 1
                outcome.duplicates -= 1
                if (series_id, ts) in flags:
                    outcome.set_aside += 1
        inserted = {(s, t) for s, t, _ in stored.inserted}
        _refuse_conflicts(conn, works, rows, senders, inserted, outcomes)
        live = [w for w in works if w.alive]
        return stored.valid, self._store_events(conn, live, outcomes)

    def _store_events(
        self, conn: Connection, live: list[Work], outcomes: list[Outcome]
    ) -> list[NewEvent]:
        owner = {(e.asset_id, e.kind, e.ts): (w.slot, e) for w in live for e in w.events}
        new: list[NewEvent] = []
        for key in insert_events(conn, [e for w in live for e in w.events]):
            slot, event = owner[key]
            outcomes[slot].events += 1
            new.append(event)
        return new

    def _dead_letters(
        self, conn: Connection, works: list[Work], outcomes: list[Outcome], *, replaying: bool
    ) -> None:
        for work in sorted(works, key=lambda w: (w.slot, w.position)):
            refusals = ([work.refusal] if work.refusal else []) + work.partial
            if not refusals:
                continue
            refusal = _combined(refusals)
            dead_letter_id = deadletters.record(
                conn,
                envelope=work.envelope,
                refusal=refusal,
                raw=work.message.raw(work.envelope.raw),
                device_ref=work.message.device_ref,
                metadata=_metadata(work),
                received_again=not replaying,
                limits=self.dead_letter_limits,
            )
            outcomes[work.slot].rejections.append(
                Rejection(
                    index=work.message.index,
                    device_ref=deadletters.device_key(work.message.device_ref),
                    stage=refusal.stage,
                    code=refusal.code,
                    reason=refusal.reason,
                    dead_letter_id=dead_letter_id,
                )
            )


def _count(outcome: Outcome, rows: int, inserted: list[ReadingRow], flags: QualityMap) -> None:
    """The counts of the only envelope of a batch: what was not inserted was already there."""
    outcome.stored += len(inserted)
    outcome.duplicates += rows - len(inserted)
    if flags:
        outcome.set_aside += sum(1 for series_id, ts, _ in inserted if (series_id, ts) in flags)


def _refuse_conflicts(
    conn: Connection,
    works: list[Work],
    rows: list[ReadingRow],
    senders: list[Pending],
    inserted: set[tuple[int, datetime]],
    outcomes: list[Outcome],
) -> None:
    """Rows that met another value at their time: refused (a dead letter), not duplicates.

    Only rows that were not inserted, or shared their time with another row of the batch,
    can conflict; without any, nothing is read.
    """
    if len(inserted) == len(rows):  # every row inserted: no two share a time, none met another
        return
    times = Counter((series_id, ts) for series_id, ts, _ in rows)
    suspects = {key for key, seen in times.items() if seen > 1 or key not in inserted}
    if not suspects:
        return
    kept = stored_values(conn, suspects)
    for (series_id, ts, value), sender in zip(rows, senders, strict=True):
        there = kept.get((series_id, ts))
        if there is None or math.isclose(there, value, rel_tol=1e-9, abs_tol=1e-12):
            continue
        slot, origin = sender[6], sender[7]
        outcomes[slot].duplicates -= 1
        reason = (
            f"une autre valeur ({there:g}) est déjà enregistrée à {ts.isoformat()} ; reçue : "
            f"{value:g} / another value ({there:g}) is already stored for series {series_id} "
            f"at {ts.isoformat()}; received {value:g}"
        )
        _refuse(works, origin, Refusal(Stage.store, CONFLICTING_DUPLICATE, reason))


def _refuse(works: list[Work], origin: Work | tuple[ReadingColumns, int], refusal: Refusal) -> None:
    """Refuse one reading: beside its work's stored values, or as a refused row of its own."""
    if isinstance(origin, Work):
        origin.partial.append(refusal)
    else:
        works.append(_refused_row(*origin, refusal))


def _collect(work: Work, normalisation: Normalisation) -> None:
    work.candidates += normalisation.readings
    work.candidates += radio_readings(work.message, normalisation.readings)
    if normalisation.problems:
        reason = "; ".join(normalisation.problems)
        work.partial.append(Refusal(Stage.normalise, "normalise_problem", reason[:1000]))
    if (unmapped := unmapped_refusal(normalisation)) is not None:
        work.partial.append(unmapped)
    assert work.device is not None
    for fact in normalisation.facts:
        if fact.value is None or not fact.field:
            continue
        work.events.append(
            NewEvent(
                asset_id=work.device.asset_id,
                member_id=work.device.member_id,
                ts=(fact.ts or work.message.ts).astimezone(UTC),
                kind=clean_text(fact.field, EVENT_KIND_LENGTH),
                payload=clean_json({"value": fact.value}),
            )
        )


def _pending(work: Work) -> list[Pending]:
    return [
        (r.asset_id, r.member_id, r.quantity, r.unit, r.ts, r.value, work.slot, work)
        for r in work.readings
    ]


def _refused_row(columns: ReadingColumns, row: int, refusal: Refusal) -> Work:
    """A row of a columns batch refused on its own, as the message it was sent as."""
    message = Message(
        columns.devices[row],
        columns.times[row],
        item=columns.kept(row),
        index=columns.labels[row],
    )
    return Work(columns.slot, columns.envelope, message, columns.positions[row], refusal=refusal)


def _unknown_device(ref: str | None) -> str:
    if not ref:
        return "le message ne nomme aucun équipement / the message names no device"
    return (
        f"équipement inconnu / unknown device {ref[:100]!r}: register it (DevEUI, serial or "
        "OCPP id) for this member; its messages wait here and are replayed on registration"
    )


def _combined(refusals: list[Refusal]) -> Refusal:
    if len(refusals) == 1:
        return refusals[0]
    first = refusals[0]
    return Refusal(first.stage, first.code, " | ".join(dict.fromkeys(r.reason for r in refusals)))


def _metadata(work: Work) -> dict[str, object]:
    return {**work.envelope.metadata, **work.message.metadata}
