from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .services import ensure_member


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="members_profile")
def create_member_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        ensure_member(instance)
