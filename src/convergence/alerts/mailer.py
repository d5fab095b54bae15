"""Sending e-mail over SMTP (stdlib ``smtplib``): plain text with an HTML alternative."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from convergence.alerts.config import AlertsConfig


def build_message(
    config: AlertsConfig, *, to: str, subject: str, text: str, html: str | None
) -> EmailMessage:
    """A multipart/alternative message in UTF-8."""
    message = EmailMessage()
    message["From"] = config.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="convergence")
    message["Content-Language"] = "fr"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send_email(config: AlertsConfig, message: EmailMessage) -> str:
    """Hand the message to the SMTP server; returns its reply. Raises on refusal or timeout."""
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.smtp_timeout_s) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_username and config.smtp_password is not None:
            smtp.login(config.smtp_username, config.smtp_password.get_secret_value())
        refused = smtp.send_message(message)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
    return "accepté par le serveur SMTP"
