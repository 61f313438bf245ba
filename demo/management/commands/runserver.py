"""``manage.py runserver`` as ``make run`` serves the service: Django's development server, with four differences.

- Static files come through WhiteNoise, as in production, with DEBUG true or false: this server adds no static
  handler of its own (Django's would serve them only with DEBUG true, which is how a clone once went unstyled).
- Without a SITE_URL in the environment, links in e-mails and calendar feeds point at the address served.
- The last lines printed before serving are the address to open and, when the demo is loaded, its logins.
- Without a broker, tasks (a packet's PDF, e-mails) run on a background thread, not in the request that asked.
"""

import os

from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand

from demo.world import USERS, login_lines
from specialists.models import User
from tumorboard.queue import run_in_background


class Command(RunserverCommand):
    help = "Serve the service for a person to use (make run): static files by WhiteNoise, links to this address."

    def on_bind(self, server_port):
        super().on_bind(server_port)
        run_in_background()
        host = self.addr if self.addr not in ("0", "0.0.0.0", "::") else "localhost"  # noqa: S104 - a name, not a bind
        url = f"{self.protocol}://{f'[{host}]' if self._raw_ipv6 else host}:{server_port}"
        if "SITE_URL" not in os.environ:
            settings.SITE_URL = url
        lines = ["", f"Tumor board is served at {url}/ (sign in at {url}/accounts/login/)"]
        if User.objects.filter(username__in=[u.username for u in USERS]).count() == len(USERS):
            lines += login_lines()
        self.stdout.write("\n".join(lines))
