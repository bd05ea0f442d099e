from __future__ import annotations

import base64
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from gridgov.core import crypto

K1 = base64.b64encode(b"1" * 32).decode()
K2 = base64.b64encode(b"2" * 32).decode()


def test_round_trip_with_key_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.KEYS_ENV, f"k1:{K1},k2:{K2}")
    monkeypatch.setenv(crypto.CURRENT_ENV, "k2")
    monkeypatch.setenv(crypto.BLIND_INDEX_ENV, K1)
    stored = crypto.encrypt("320102199001011234", field="f")
    assert stored.startswith("k2:")
    assert "320102199001011234" not in stored
    assert crypto.decrypt(stored, field="f") == "320102199001011234"
    assert crypto.encrypt("x", field="f") != crypto.encrypt("x", field="f")


def test_ciphertext_is_bound_to_its_field() -> None:
    stored = crypto.encrypt("13812345678", field="person.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, field="person.id_number")


def test_unknown_key_id_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.KEYS_ENV, f"k1:{K1}")
    monkeypatch.setenv(crypto.BLIND_INDEX_ENV, K1)
    stored = crypto.encrypt("x", field="f")
    monkeypatch.setenv(crypto.KEYS_ENV, f"k2:{K2}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored, field="f")


def test_blind_index_is_stable_and_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    a = crypto.blind_index("320102199001011234", field="f")
    assert a == crypto.blind_index("320102199001011234", field="f")
    assert a != crypto.blind_index("320102199001011234", field="g")
    monkeypatch.setenv(crypto.BLIND_INDEX_ENV, K2)
    monkeypatch.setenv(crypto.KEYS_ENV, f"k1:{K1}")
    assert a != crypto.blind_index("320102199001011234", field="f")


def test_production_refuses_derived_keys(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    settings.PRODUCTION = True
    monkeypatch.delenv(crypto.KEYS_ENV, raising=False)
    with pytest.raises(ImproperlyConfigured):
        crypto.keyring()


@pytest.mark.parametrize(
    ("spec", "current"), [("k1:notbase64!", ""), (f"k1:{K1}", "k9"), ("k1", "")]
)
def test_bad_key_configuration(monkeypatch: pytest.MonkeyPatch, spec: str, current: str) -> None:
    monkeypatch.setenv(crypto.KEYS_ENV, spec)
    monkeypatch.setenv(crypto.CURRENT_ENV, current)
    monkeypatch.setenv(crypto.BLIND_INDEX_ENV, K1)
    with pytest.raises(ImproperlyConfigured):
        crypto.keyring()


def test_masks() -> None:
    assert crypto.mask_id_number("320102199001011234") == "3201**********1234"
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_phone("025123456") == "*****3456"


def test_logging_filter_redacts(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("gridgov.test.redaction")
    redactor = crypto.RedactingFilter()
    log.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO, logger="gridgov.test.redaction"):
            log.info("lookup %s phone %s", "32010219900101123X", "13812345678")
            log.info("card 6222021234567890123 on 2026-12-07, order SJ202612070001")
            try:
                raise ValueError("bad 320102199001011234")
            except ValueError:
                log.exception("failed")
    finally:
        log.removeFilter(redactor)
    text = caplog.text
    assert "3201**********123X" in text
    assert "138****5678" in text
    assert "32010219900101123X" not in text
    assert "13812345678" not in text
    assert "320102199001011234" not in text
    assert "6222021234567890123" not in text
    assert "2026-12-07, order SJ202612070001" in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "联系我13812345678，身份证320104199001011008",
            "联系我138****5678，身份证3201**********1008",
        ),
        ("电话：＋８６ １３８－１２３４－５６７８。", "电话：138****5678。"),
        ("手机 138 1234 5678 转 2 号", "手机 138****5678 转 2 号"),
        (
            "老证320104900101100，新证32010419900101100x",
            "老证3201*******1100，新证3201**********100x",
        ),
        ("卡号6222 0212 3456 7890 123。", "卡号***************0123。"),
        ("座机（025）8456-1234或0512 6789 1234", "座机025****1234或********1234"),
        ("本地84561234", "本地****1234"),
        ("写信到 zhang.san+gov@qq.com 谢谢", "写信到 z***@qq.com 谢谢"),
        ("2026-12-07 13:00 第3次，共1,000,000元，SJ202612070001", None),
    ],
)
def test_redact_finds_identifiers_however_typed(text: str, shown: str | None) -> None:
    assert crypto.redact(text) == (text if shown is None else shown)


def test_redact_hides_recorded_names_by_their_masked_shape() -> None:
    text = "市民李四（13566667777）来电反映李家巷积水，欧阳小明也反映过"
    assert crypto.redact(text, names=["李*", "欧***", "*", ""]) == (
        "市民李*（135****7777）来电反映李*巷积水，欧***也反映过"
    )
