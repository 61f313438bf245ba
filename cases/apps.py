from django.apps import AppConfig, apps

from tumorboard import figures

# What the cached figures read (cases.analytics, the dashboard's waiting count): a committed write to any of these
# tables makes them stale (tests/cases/test_analytics_cache.py holds this list to the queries they run).
FIGURES_READ = (
    "cases.Case",
    "cases.Plan",
    "cases.ChangeRecord",
    "cases.FollowUp",
    "cases.SecondOpinion",
    "scheduling.Board",
    "scheduling.Meeting",
    "scheduling.AgendaItem",
    "specialists.BoardMembership",
    "specialists.User",
)


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        figures.watch(*(apps.get_model(label) for label in FIGURES_READ))
