"""The e-mail backend of a service with no mail server configured (``make run``): one line on the console per
message, with its subject and number of recipients, instead of Django's console backend, which prints every
message whole (an invitation round with its calendar files ran to thousands of lines). Subjects carry no patient
data (SPEC §7), so the line does not either."""

from __future__ import annotations

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("tumorboard.mail")


class ConsoleSummaryBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            recipients = len(message.recipients())
            plural = "" if recipients == 1 else "s"
            logger.info(
                "e-mail to %d recipient%s: %r (not sent: no EMAIL_BACKEND is set)", recipients, plural, message.subject
            )
        return len(email_messages)
