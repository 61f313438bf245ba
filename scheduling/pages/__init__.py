"""Web pages of meetings and boards (SPEC §5.6): the dashboard at /, the board calendar, the meeting page with its
agenda builder and run mode, the boards pages.

Reads go through the selectors (``meetings_visible_to``, ``cases_visible_to``), input is validated with Django
forms and every change is made by the services the API calls too (scheduling.services, scheduling.agenda,
scheduling.attendance, cases.lifecycle.agenda), so no access or business rule is written twice. ``overview``: the
dashboard and the calendar; ``meeting``: the meeting page and its actions; ``presenter``: run mode's
large-screen view of one case; ``boards``: the boards list, a new board and the board page with its members;
``common``: what they share.
"""

from scheduling.pages import boards, cme, meeting, overview, presenter

urlpatterns = overview.urlpatterns + meeting.urlpatterns + presenter.urlpatterns + boards.urlpatterns + cme.urlpatterns
