"""Who may do what beyond the public: organisers, by the permission the action needs.

Admin lets a user in on the staff flag and then shows each model to those holding its
permissions; the site's gates ask the same question. The staff flag alone grants nothing.

A co-host account (the "Co-hosts" group) works in admin on its own dialogues only; on the
site it is treated as a member, never as an organiser: it sees no draft dialogue, no join link
and no registrants-only item that a member would not see."""

# The permission the Co-hosts group holds (declared by the dialogues app's CoHostStaff).
CO_HOST_PERMISSION = "dialogues.work_as_co_host"


def is_co_host(user) -> bool:
    """A staff user limited to the dialogues their organisation co-hosts. Superusers hold
    every permission and are never limited; members are never staff and cost no query."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and not user.is_superuser
        and user.has_perm(CO_HOST_PERMISSION)
    )


def organiser_may(user, permission: str) -> bool:
    """A staff user holding `permission` (e.g. "dialogues.view_join_link"), as admin requires,
    and not a co-host. Members are never staff, so asking costs them no query."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and user.has_perm(permission)
        and not is_co_host(user)
    )
