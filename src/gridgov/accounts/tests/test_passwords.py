import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gridgov.accounts.passwords import CharacterClassValidator

CLASSES = ["ABCDEFGH", "abcdefgh", "01234567", "-!@# ，。"]


@given(
    chosen=st.sets(st.sampled_from(range(4)), min_size=1),
    required=st.integers(min_value=1, max_value=4),
    data=st.data(),
)
def test_accepts_exactly_when_enough_classes_are_mixed(chosen, required, data):
    password = "".join(
        data.draw(st.text(alphabet=CLASSES[i], min_size=1, max_size=4)) for i in sorted(chosen)
    )
    validator = CharacterClassValidator(classes=required)
    if len(chosen) >= required:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as exc:
            validator.validate(password)
        assert exc.value.code == "password_too_simple"


def test_help_text_names_the_number_of_classes():
    assert "3" in CharacterClassValidator(classes=3).get_help_text()
