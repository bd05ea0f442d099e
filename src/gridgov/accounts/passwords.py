from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterClassValidator:
    """Requires characters from several classes (upper, lower, digit, symbol), as MLPS 2.0 asks."""

    def __init__(self, classes: int = 3) -> None:
        self.classes = classes

    def _count(self, password: str) -> int:
        tests = (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
        return sum(tests)

    def validate(self, password: str, user: object = None) -> None:
        if self._count(password) < self.classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of character "
            "(upper case, lower case, digits, symbols).",
            "Your password must mix at least %(n)d kinds of characters "
            "(upper case, lower case, digits, symbols).",
            self.classes,
        ) % {"n": self.classes}
