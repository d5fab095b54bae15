"""Maintenance: tickets opened by faults, contracts with SLA clocks, contractors, inspections.

- ``sync_from_alerts(conn, reopen_window=..., now=...)`` — read the alerts' history since the
  last pass and open, update, reopen or restore tickets (``faults``); the reactor of
  ``react.ticket_reactor`` runs it after each committed ingestion batch;
- ``clocks`` — calendar and business hours (French public holidays), pauses, exclusions;
- ``sla`` — intervention and restoration clocks of a ticket, lateness and penalties;
- ``service`` / ``queries`` — use cases and reads, always under a member scope.
"""
