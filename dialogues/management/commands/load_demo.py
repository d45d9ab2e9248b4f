from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dialogues.demo import load_demo


class Command(BaseCommand):
    help = "Load the Localisation Dialogue Series demo data and accounts (safe to run again)."

    def handle(self, *args, **options) -> None:
        # The demo creates staff accounts whose passwords are printed and published in the
        # README: on a production site they would be open doors.
        if not settings.DEBUG:
            raise CommandError(
                "load_demo creates staff accounts with published passwords and runs only with "
                "DJANGO_DEBUG=true (a development site). Nothing was loaded."
            )
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded: the Localisation Dialogue Series."))
        self.stdout.write("Demo logins (e-mail / password / role):")
        for email, password, role in logins:
            self.stdout.write(f"  {email} / {password} / {role}")
