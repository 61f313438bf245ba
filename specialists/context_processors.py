"""What every page's layout needs: the navigation the signed-in user may use (the same access rules as the
API; a link is only a convenience, every page checks again)."""

from __future__ import annotations

from specialists import access


def user_roles(user) -> dict[str, bool]:
    """Which parts of the service a user works in. One membership query per request (access caches it)."""
    if not user.is_authenticated:
        return dict.fromkeys(("member", "reviewer", "coordinator", "follow_up", "referrer", "cases", "admin"), False)
    admin = access.is_admin(user)
    return {
        "member": admin or bool(access.member_board_ids(user)),
        "reviewer": bool(user.specialty) and bool(access.member_board_ids(user)),  # pre-meeting review tasks
        "coordinator": admin or bool(access.coordinated_board_ids(user)),
        "follow_up": admin or bool(access.follow_up_board_ids(user)),  # coordinators, and nurse navigators
        "referrer": user.is_referrer,
        "cases": admin or user.institution_id is not None,  # the care team of any institution: their cases
        "admin": admin,
    }


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    roles = user_roles(user)
    links = [
        ("/", "Dashboard", roles["coordinator"]),
        ("/calendar/", "Calendar", roles["member"]),
        ("/boards/", "Boards", roles["coordinator"]),
        ("/inbox/", "Inbox", roles["member"]),
        ("/tasks/", "Tasks", roles["reviewer"]),
        ("/cases/", "Cases", roles["cases"]),
        ("/follow-up/", "Follow-through", roles["follow_up"]),
        ("/second-opinions/", "Second opinions", roles["referrer"] or roles["coordinator"]),
        ("/trials/", "Trials", roles["member"]),
        ("/analytics/", "Analytics", roles["member"] or roles["referrer"]),
    ]
    path = request.path
    nav = [
        {"href": href, "label": label, "current": path == href if href == "/" else path.startswith(href)}
        for href, label, shown in links
        if shown
    ]
    return {"nav": nav, "roles": roles}
