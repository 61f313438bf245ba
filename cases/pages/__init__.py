"""Web pages of cases (SPEC §5.6), one module per part: the specialist's inbox and case page (``case``), the
follow-through worklist (``follow_up``), the community-hospital portal (``portal``) and analytics
(``analytics``). Each module has its own ``urlpatterns``; they use the selectors and services of the API."""
