from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "a4ep_portal"
    verbose_name = "A4EP portal"
