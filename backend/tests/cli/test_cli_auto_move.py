"""What `photosort auto-move` tells the user before it moves anything: a rule no evidence
guarantees is called unproven and takes `--yes`; a dry run lists the photos and, before there
is evidence, explains instead of failing. Real photos, the real offline embedder."""

from __future__ import annotations

import pytest
from unwritable import unwritable

AUTO = ("--model", "efficientnet-lite0", "--device", "cpu")
LOOSE_RULE = ("--threshold", -1, "--min-margin", 0, "--min-samples", 1)


@pytest.fixture
def eight_loose(make_library):
    return make_library(clusters={"birds": 3, "coins": 3, "flowers": 3}, loose=8)


def test_an_unproven_rule_is_refused_without_yes_and_nothing_moves(cli, eight_loose):
    lib = eight_loose
    r = cli("auto-move", lib.source, *LOOSE_RULE, *AUTO)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert "precision is unproven" in r.stderr and "--yes" in r.stderr
    assert all((lib.source / i).is_file() for i in lib.loose)
    assert not [x for x in lib.journal() if x["type"] == "assign"]


def test_yes_moves_by_an_unproven_rule_and_says_it_is_unproven(cli, eight_loose):
    lib = eight_loose
    r = cli("auto-move", lib.source, *LOOSE_RULE, "--yes", *AUTO)
    assert r.exit_code == 0, r.output
    assert "precision is unproven" in r.stderr
    assert "moved 8 photos" in r.stdout
    assert not any((lib.source / i).exists() for i in lib.loose)


def test_a_dry_run_lists_each_photo_and_says_the_rule_is_unproven(cli, eight_loose):
    lib = eight_loose
    r = cli("auto-move", lib.source, *LOOSE_RULE, "--dry-run", "--list", *AUTO)
    assert r.exit_code == 0, r.output
    for item in lib.loose:
        assert item in r.stdout
    assert "would move 8 photos" in r.stdout and "precision is unproven" in r.stdout
    assert all((lib.source / i).is_file() for i in lib.loose)


def test_a_dry_run_before_there_is_evidence_explains_instead_of_failing(cli, eight_loose):
    r = cli("auto-move", eight_loose.source, "--dry-run", *AUTO)
    assert r.exit_code == 0, r.output
    assert "error:" not in r.output
    assert "no threshold to try yet" in r.stdout and "reviewed decisions" in r.stdout
    assert "--threshold" in r.stdout
    assert eight_loose.journal() == []


def test_an_auto_move_whose_every_move_fails_is_an_error_naming_the_photos(cli, eight_loose):
    lib = eight_loose
    with unwritable() as mark:
        for cluster in ("birds", "coins", "flowers"):
            mark(lib.dest / cluster)
        r = cli("auto-move", lib.source, *LOOSE_RULE, "--yes", *AUTO)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert "auto-move: nothing moved;" in r.stderr and "(and 7 more)" in r.stderr
    for item in lib.loose:  # each photo named with the reason
        assert f"failed: {item}: " in r.stderr
    assert all((lib.source / i).is_file() for i in lib.loose)
    end = next(x for x in lib.journal() if x["type"] == "auto-batch-end")
    assert end["moved"] == 0 and end["failed"] == 8
