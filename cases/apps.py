from django.apps import AppConfig, apps

from tumorboard import figures

# What the cached figures read (cases.analytics, the dashboard's waiting count): a committed write to any of these
# tables makes them stale (tests/cases/test_analytics_cache.py holds this list to the queries they run).
FIGURES_READ = (
    "scheduling.Board",
    "scheduling.AgendaItem",
    "specialists.BoardMembership",
    "specialists.User",
)
# ... and those whose writes PostgreSQL names by the cases they touch (migration 0020: a case's own row, a row with a
# ``case`` key, a meeting's start for the plans decided at it), so that a figure kept in parts by case
# (figures.cached_by_case) recomputes those cases' parts only
FIGURES_READ_BY_CASE = (
    "cases.Case",
    "cases.Plan",
    "cases.ChangeRecord",
    "cases.FollowUp",
    "cases.SecondOpinion",
    "scheduling.Meeting",
)


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        figures.watch(
            *(apps.get_model(label) for label in FIGURES_READ),
            by_case=[apps.get_model(label) for label in FIGURES_READ_BY_CASE],
        )
