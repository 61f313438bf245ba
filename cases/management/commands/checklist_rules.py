"""Print the checklist's rule table (Markdown): the one in the README is this output."""

from django.core.management.base import BaseCommand

from cases.checklist import catalog


class Command(BaseCommand):
    help = "Print the checklist's rules as a Markdown table: id, severities, what sets each off, its source."

    def handle(self, *args, **options):
        self.stdout.write(catalog.markdown(), ending="")
