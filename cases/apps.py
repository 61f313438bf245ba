from django.apps import AppConfig, apps

from tumorboard import figures

# What the cached figures read (cases.analytics, the dashboard's waiting count): a committed write to any of these
# tables makes them stale (tests/cases/test_analytics_cache.py holds this list to the queries they run).
FIGURES_READ = (
    "cases.SecondOpinion",
    "scheduling.Board",
    "scheduling.Meeting",
    "scheduling.AgendaItem",
    "specialists.BoardMembership",
    "specialists.User",
)
# ... and those whose every row belongs to one case (its own row, or a ``case`` key): PostgreSQL names the cases their
# writes touch (migration 0020), so a figure kept in parts by case (figures.cached_by_case) recomputes those only
FIGURES_READ_BY_CASE = ("cases.Case", "cases.Plan", "cases.ChangeRecord", "cases.FollowUp")


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        figures.watch(
            *(apps.get_model(label) for label in FIGURES_READ),
            by_case=[apps.get_model(label) for label in FIGURES_READ_BY_CASE],
        )
