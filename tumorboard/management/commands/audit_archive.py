"""``manage.py audit_archive [--dry-run] [--retention-months N] [--directory D] [--by NAME] [--verify]``.

Archives the audit log's months older than AUDIT_RETENTION_MONTHS (tumorboard.audit_archive): each month's rows to a
gzip file of JSON lines, read back and compared, hashed (SHA-256) and listed in the manifest (AuditArchive) before its
partition is dropped. ``--verify`` checks every listed file against the manifest. Run it as the tables' owner (the
role that migrates): the application's role may not drop a partition."""

from django.core.management.base import BaseCommand, CommandError

from tumorboard.audit_archive import audit_archive, audit_archive_verify, partitioned, retention_cutoff
from tumorboard.models import AuditArchive


class Command(BaseCommand):
    help = "Archive the audit log's months past retention: exported, hashed and listed, then dropped."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the months due; change nothing.")
        parser.add_argument("--retention-months", type=int, default=None, help="Default: AUDIT_RETENTION_MONTHS.")
        parser.add_argument("--directory", default=None, help="Default: AUDIT_ARCHIVE_DIR.")
        parser.add_argument("--by", default="", help="Who archives, for the manifest (default: the OS user).")
        parser.add_argument("--verify", action="store_true", help="Check every listed archive file; archive nothing.")

    def handle(self, *args, dry_run, retention_months, directory, by, verify, **options):
        if not partitioned():
            self.stdout.write("The audit log is partitioned on PostgreSQL only: nothing to archive.")
            return
        if verify:
            problems = [problem for archive in AuditArchive.objects.all() for problem in audit_archive_verify(archive)]
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write(f"{AuditArchive.objects.count()} archive file(s) match the manifest.")
            return
        if retention_months is not None and retention_months < 1:
            raise CommandError("--retention-months must be at least 1.")
        cutoff = retention_cutoff(retention_months)
        done = audit_archive(retention_months=retention_months, directory=directory, by=by, dry_run=dry_run)
        verb = "Due" if dry_run else "Archived"
        for item in done:
            self.stdout.write(f"{verb}: {item.month:%Y-%m}, {item.rows} rows → {item.path} {item.sha256}".rstrip())
        self.stdout.write(f"{len(done)} month(s) before {cutoff:%Y-%m} {'due' if dry_run else 'archived'}.")
