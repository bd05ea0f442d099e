from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope import ScopedModel
from gridgov.jurisdiction.models import Node


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", _("department")
    SUB_CENTRE = "sub_centre", _("command sub-centre")


class Department(ScopedModel):
    """A functional department (city management, police, fire …) serving one jurisdiction.

    Its users' scope is the jurisdiction it serves: a district's city
    management bureau sees the district's tree.
    """

    scope_paths = ("node__code",)

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    node = models.ForeignKey(
        Node, verbose_name=_("jurisdiction served"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
