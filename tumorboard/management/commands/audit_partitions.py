"""``manage.py audit_partitions [--months-ahead N]``: make the audit log's monthly partitions ahead (PostgreSQL).

The daily task ``tumorboard.tasks.audit_partitions_ahead`` does the same; this is for a deployment's first run."""

from django.core.management.base import BaseCommand

from tumorboard.audit_archive import audit_partitions_ahead, partitioned


class Command(BaseCommand):
    help = "Make this month's audit partition and the next months' (default AUDIT_PARTITION_MONTHS_AHEAD)."

    def add_arguments(self, parser):
        parser.add_argument("--months-ahead", type=int, default=None)

    def handle(self, *args, months_ahead=None, **options):
        if not partitioned():
            self.stdout.write("The audit log is partitioned on PostgreSQL only: nothing to do.")
            return
        made = audit_partitions_ahead(months_ahead)
        self.stdout.write(f"Made {len(made)} partition(s){': ' + ', '.join(made) if made else ''}.")
