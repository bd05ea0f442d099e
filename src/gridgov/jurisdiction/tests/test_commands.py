import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gridgov.audit.models import AuditEntry
from gridgov.jurisdiction.models import Node

from .helpers import collection, feature, polygon

GRID3 = feature(
    "320104001001003", "第3网格", polygon(118.0, 31.5, 118.1, 31.6), kind="comprehensive"
)


def test_import_prints_counts_and_records_the_actor(tree, users, tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(collection(GRID3)), encoding="utf-8")
    out = StringIO()
    call_command("import_geojson", str(path), "--actor", "sa", stdout=out)
    assert out.getvalue().strip() == "created 1, updated 0, unchanged 0"
    assert (
        AuditEntry.objects.get(action="jurisdiction.import_geojson").actor == users["system_admin"]
    )


def test_import_prints_every_error_and_fails(tree, tmp_path):
    path = tmp_path / "bad.geojson"
    bad = feature("32010400100100X", "坏", polygon(118.0, 31.5, 118.1, 31.6), kind="comprehensive")
    far = feature("320104001001004", "远", polygon(2.0, 48.0, 2.1, 48.1), kind="comprehensive")
    path.write_text(json.dumps(collection(bad, far)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_geojson", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("feature 0 (32010400100100X) code: [invalid_code]")
    assert sum("[out_of_range]" in line for line in lines) == 5
    assert not Node.objects.filter(code="320104001001004").exists()


def test_import_unknown_actor_or_file(tree, tmp_path):
    with pytest.raises(CommandError, match="No such user"):
        call_command("import_geojson", str(tmp_path / "x"), "--actor", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_geojson", str(tmp_path / "missing.geojson"))


def test_export_to_file_and_stdout(tree, tmp_path):
    path = tmp_path / "out.geojson"
    out = StringIO()
    call_command("export_geojson", "--root", "320104001", "--output", str(path), stdout=out)
    assert "4 features" in out.getvalue()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["features"][0]["properties"]["name"] == "秦淮区北街道"
    out = StringIO()
    call_command("export_geojson", stdout=out)
    assert len(json.loads(out.getvalue())["features"]) == 19


def test_export_unknown_root(tree):
    with pytest.raises(CommandError):
        call_command("export_geojson", "--root", "999")


def test_import_refuses_an_actor_without_the_right(tree, users, tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(collection(GRID3)), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_geojson", str(path), "--actor", "dc")
    assert not Node.objects.filter(code="320104001001003").exists()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ('<img src=x onerror="alert(1)">', "markup"),
        ("第3\n网格", "control_character"),
        ("第3\u202e网格", "control_character"),
        ("第3\x00网格", "control_character"),
    ],
)
def test_import_refuses_a_name_with_markup_or_control_characters(tree, tmp_path, name, code):
    path = tmp_path / "hostile.geojson"
    hostile = dict(GRID3, properties=GRID3["properties"] | {"name": name})
    beat = feature("JG-1", name, polygon(118.0, 31.5, 118.1, 31.6), level="police_beat")
    path.write_text(json.dumps(collection(hostile, beat)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_geojson", str(path), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"feature 0 (320104001001003) name: [{code}]")
    assert lines[1].startswith(f"feature 1 (JG-1) name: [{code}]")
    assert not Node.objects.filter(code="320104001001003").exists()


def test_import_refuses_a_unit_code_with_a_nul(tree, tmp_path):
    path = tmp_path / "nul.geojson"
    beat = feature("JG-\x00", "警格", polygon(118.0, 31.5, 118.1, 31.6), level="police_beat")
    path.write_text(json.dumps(collection(beat)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_geojson", str(path), stderr=err)
    assert "code: [control_character]" in err.getvalue()
