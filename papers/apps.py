from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = _("Papers and recordings")

    def ready(self) -> None:
        from dialogues.demo import demo_loaded

        from .demo import load_papers

        demo_loaded.connect(load_papers, dispatch_uid="papers_demo")
