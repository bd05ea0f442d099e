"""Create an account from the server console, e.g. the first security administrator.

In production no superuser may exist, so the first administrators are
created here; from then on the security administrator creates accounts in
the admin. The password is read from GRIDGOV_NEW_PASSWORD or prompted for,
never given on the command line where the shell history would keep it.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridgov.accounts.roles import Role
from gridgov.core.errors import DomainError
from gridgov.departments.models import Department
from gridgov.jurisdiction.models import Node
from gridgov.placement.actions import user_create

SECRET_VARIABLE = "GRIDGOV_NEW_PASSWORD"  # noqa: S105  (the variable's name, not a secret)


class Command(BaseCommand):
    help = "Create an account with one role, placed on a jurisdiction node or a department."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--node", metavar="CODE", help="Code of the jurisdiction node.")
        where.add_argument("--department", metavar="CODE", help="Code of the department.")
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        node = department = None
        if options["node"]:
            node = Node.objects.filter(code=options["node"]).first()
            if node is None:
                raise CommandError(f"No jurisdiction node with code {options['node']}.")
        else:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(f"No department with code {options['department']}.")
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=self._password(),
                role=options["role"],
                node=node,
                department=department,
                display_name=options["display_name"],
            )
        except DomainError as exc:
            lines = [str(exc.message)] + [f"  {p.field}: {p.message}" for p in exc.problems]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()}).")
        )

    def _password(self) -> str:
        password = os.environ.get(SECRET_VARIABLE)
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(f"Set {SECRET_VARIABLE} or run the command in a terminal.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
