"""``manage.py load_demo``: load (or refresh) the demo world and print the demo logins (SPEC §8)."""

from django.core.management.base import BaseCommand

from cases.demo import DEMO_PASSWORD
from cases.demo_loader import demo_load


class Command(BaseCommand):
    help = "Load or refresh the demo institutions, users, boards, meetings and cases. Safe to run again."

    def handle(self, *args, **options):
        summary = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {summary.institutions} institutions, {summary.users} users, {summary.boards} "
                f"boards, {summary.meetings} meetings, {summary.cases_created + summary.cases_updated} cases "
                f"({summary.cases_created} new, {summary.cases_updated} refreshed), "
                f"{summary.second_opinions_created + summary.second_opinions_kept} second-opinion requests "
                f"({summary.second_opinions_created} new, {summary.second_opinions_kept} kept)."
            )
        )
        self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD}):")
        width_user = max(len(username) for username, _, _ in summary.logins)
        width_role = max(len(role) for _, role, _ in summary.logins)
        for username, role, institution in summary.logins:
            self.stdout.write(f"  {username:<{width_user}}  {role:<{width_role}}  {institution}")
