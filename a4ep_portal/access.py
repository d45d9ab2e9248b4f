"""Who may do what beyond the public: organisers, by the permission the action needs.

Admin lets a user in on the staff flag and then shows each model to those holding its
permissions; the site's gates ask the same question. The staff flag alone grants nothing."""


def organiser_may(user, permission: str) -> bool:
    """A staff user holding `permission` (e.g. "dialogues.view_join_link"), as admin requires.
    Members are never staff, so asking costs them no query."""
    return bool(
        user is not None and user.is_authenticated and user.is_staff and user.has_perm(permission)
    )
