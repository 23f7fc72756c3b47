"""The argv pre-processing that keeps negative numbers attached to their option."""
from hypothesis import given, strategies as st

from openbmd.cli.argv import join_negative_values, looks_negative_number, value_options
from openbmd.cli.main import app

import typer

OPTS = {"--from", "--to", "--azimuth", "--count"}


def test_negative_numbers_and_pairs_are_recognised():
    for token in ("-45", "-45.", "-.5", "-33.9,18.4", "-1e3", "-0,0", "-90,-180"):
        assert looks_negative_number(token), token


def test_options_and_words_are_not_numbers():
    for token in ("--from", "-h", "--json", "-", "--", "-x1", "45", "33.9,-18.4", "-e5", ""):
        assert not looks_negative_number(token), token


def test_negative_value_is_glued_to_its_option():
    argv = ["fly", "--from", "-33.9,18.4", "--azimuth", "-45", "--json"]
    assert join_negative_values(argv, OPTS) == ["fly", "--from=-33.9,18.4", "--azimuth=-45", "--json"]


def test_positive_values_equals_form_and_other_options_untouched():
    argv = ["fly", "--from=-33.9,18.4", "--to", "10,20", "--apogee-km", "-5", "--out", "x.csv"]
    assert join_negative_values(argv, OPTS) == argv


def test_option_at_the_end_and_after_double_dash():
    assert join_negative_values(["--from"], OPTS) == ["--from"]
    argv = ["--", "--from", "-1,2"]
    assert join_negative_values(argv, OPTS) == argv


@given(st.lists(st.sampled_from(["--from", "--azimuth", "-45", "-1,2", "3,4", "--json", "x", "--"]),
                max_size=8))
def test_joining_loses_nothing_and_is_idempotent(argv):
    joined = join_negative_values(argv, OPTS)
    split = [part for tok in joined
             for part in (tok.split("=", 1) if "=" in tok and tok.split("=")[0] in OPTS else [tok])]
    assert split == argv
    assert join_negative_values(joined, OPTS) == joined


def test_value_options_cover_every_numeric_and_coordinate_option_of_the_app():
    names = value_options(typer.main.get_command(app))
    expected = {"--from", "--to", "--azimuth", "--apogee-km", "--burnout-angle", "--burnout-speed",
                "--burnout-altitude-km", "--count", "--out", "--missile", "--earth", "--shape"}
    assert expected <= names
    assert not names & {"--json", "--rotation", "--no-rotation", "--drag", "--no-drag",
                        "--help", "--version"}
