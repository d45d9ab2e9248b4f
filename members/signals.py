from allauth.account.signals import user_logged_in
from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import translate_url
from django.utils import translation

from a4ep_portal.languages import remember_language

from .services import ensure_member


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="members_profile")
def create_member_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        ensure_member(instance)


@receiver(user_logged_in, dispatch_uid="members_preferred_language")
def use_preferred_language(sender, request, user, response=None, **kwargs) -> None:
    """After login the portal speaks the member's preferred language: the language cookie is
    set and the redirect goes to the same page in that language."""
    language = ensure_member(user).site_language()
    if response is not None and response.status_code in (301, 302, 303, 307, 308):
        # Translated while the login page's language is active: only then does its address
        # resolve.
        response["Location"] = translate_url(response["Location"], language)
    translation.activate(language)  # the "signed in" message that follows, too
    request.LANGUAGE_CODE = language
    if response is None:
        return
    remember_language(response, language)
