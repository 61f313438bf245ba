from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from tumorboard import figures
from tumorboard.database import grants_after_migrate, sqlite_json_probe


class TumorboardConfig(AppConfig):
    name = "tumorboard"
    verbose_name = "Tumor board (kernel)"

    def ready(self):
        post_migrate.connect(grants_after_migrate, sender=self)
        connection_created.connect(sqlite_json_probe)
        connection_created.connect(figures.install)
