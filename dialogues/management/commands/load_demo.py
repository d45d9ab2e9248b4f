from django.core.management.base import BaseCommand

from dialogues.demo import load_demo


class Command(BaseCommand):
    help = "Load the Localisation Dialogue Series demo data and accounts (safe to run again)."

    def handle(self, *args, **options) -> None:
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded: the Localisation Dialogue Series."))
        self.stdout.write("Demo logins (e-mail / password / role):")
        for email, password, role in logins:
            self.stdout.write(f"  {email} / {password} / {role}")
