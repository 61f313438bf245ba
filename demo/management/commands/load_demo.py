"""``manage.py load_demo``: load the demo world into an empty database (SPEC §8) and print the demo logins.

A database that holds anything already is left alone: ``--if-empty`` (``make run``) says so in one line and goes
on, otherwise the command stops. ``--reset`` (``make demo``) deletes everything in the database, the documents'
files too, and loads the demo again. Refused in production (``DEMO_LOAD_ALLOWED``)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cases.models import Document
from demo.loader import demo_load
from demo.world import login_lines
from specialists.models import Institution, User


def database_is_empty() -> bool:
    return not (User.objects.exists() or Institution.objects.exists())


class Command(BaseCommand):
    help = "Load the demo world into an empty database (--reset: delete everything in it first)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="delete everything in the database, then load the demo"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="load only into an empty database; otherwise say so and succeed"
        )

    def handle(self, *args, reset=False, if_empty=False, **options):
        if not settings.DEMO_LOAD_ALLOWED:
            raise CommandError("The demo is not loaded in production (config.settings.production).")
        if reset:
            self._reset()
        elif not database_is_empty():
            message = (
                "The database already holds data, so the demo was not loaded: what is in it stays. "
                "`make demo` (manage.py load_demo --reset) deletes everything and loads the demo again."
            )
            if if_empty:
                self.stdout.write(message)
                return
            raise CommandError(message)
        summary = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {summary.institutions} institutions, {summary.users} users, {summary.boards} "
                f"boards, {summary.meetings} meetings, {summary.cases_created} cases, {summary.documents} documents, "
                f"{summary.second_opinions_created} second-opinion requests, {summary.trials} clinical trials."
            )
        )
        if options["verbosity"] > 0:
            self.stdout.write("\n" + "\n".join(login_lines()))

    def _reset(self) -> None:
        if connection.vendor == "postgresql":
            raise CommandError(
                "On PostgreSQL the audit log refuses to be emptied, so the database cannot be reset in place: drop it "
                "and create it again (dropdb, createdb), then `make run`."
            )
        with transaction.atomic():
            files = [document.file for document in Document.objects.only("file")]
        call_command("flush", interactive=False, verbosity=0)
        for file in files:  # the rows are gone; their files go too
            file.storage.delete(file.name)
        self.stdout.write(
            self.style.WARNING(
                f"The database was reset: everything in it and {len(files)} document files were deleted."
            )
        )
