"""Print the checklist's rule table (Markdown): the one in the README is this output."""

from django.core.management.base import BaseCommand

from cases.checklist import catalog, drugs


class Command(BaseCommand):
    help = (
        "Print the checklist's rules as a Markdown table: id, severities, what sets each off, its source; with "
        "--vocabulary, the drug and regimen names it reads, each with its source."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vocabulary", action="store_true", help="the drug vocabulary instead of the rules")

    def handle(self, *args, vocabulary=False, **options):
        self.stdout.write(drugs.vocabulary_markdown() if vocabulary else catalog.markdown(), ending="")
