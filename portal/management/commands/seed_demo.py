from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import DEMO_PASSWORD, seed_organisation, seed_users


class Command(BaseCommand):
    help = "Create the demo Jobcenter, its teams, location and logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    @transaction.atomic
    def handle(self, *args, quiet_logins=False, **options):
        jobcenter = seed_organisation()
        users = seed_users(jobcenter)
        # Feature apps add their own demo data (appointment types, availability, ...)
        # through an optional ``seed_demo(jobcenter)`` on their AppConfig.
        for config in apps.get_app_configs():
            seed = getattr(config, "seed_demo", None)
            if callable(seed):
                seed(jobcenter)
        if quiet_logins:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for user, role in users:
            hint = (
                f"  second factor: DEBUG=true .venv/bin/python manage.py demo_totp {user.email}"
                if user.needs_mfa
                else ""
            )
            self.stdout.write(f"  {role.value:<11} {user.email}{hint}")
        self.stdout.write("")
