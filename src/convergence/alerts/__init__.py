"""Alerts: rules, evaluation (on ingestion and on a schedule), lifecycle, notifications.

Entry points for the rest of the platform:

- ``react(engine, stored=..., events=..., config=...)`` — the ingestion's react stage, after
  a batch is committed (``evaluate_batch(conn, stored=..., events=...)`` inside a caller's
  transaction does the same without committing or sending);
- ``evaluate_schedule(conn, now=...)`` — silence and indicator rules, once per period;
- ``send_pending(engine, config=...)`` — e-mails and signed webhooks, with retries.
"""
