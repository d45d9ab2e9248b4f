from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "a4ep_portal"
    # Translated: it heads the workflow history in the admin home's list, in every language.
    verbose_name = _("A4EP portal")
