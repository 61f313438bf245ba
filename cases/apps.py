from django.apps import AppConfig, apps

from tumorboard import figures

# What the cached figures read (cases.analytics, the dashboard's waiting count): a committed write to any of these
# tables makes every part of them stale (tests/cases/test_analytics_cache.py holds these lists to their queries).
FIGURES_READ = (
    "scheduling.Board",
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
    "scheduling.AgendaItem",
)


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        figures.watch(
            *(apps.get_model(label) for label in FIGURES_READ),
            by_case=[apps.get_model(label) for label in FIGURES_READ_BY_CASE],
        )
