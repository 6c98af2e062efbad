"""Training without labels: ``train_matcher`` on made-up people and on the deployment's own
people writes a versioned model file that Splink and the lookup both read."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from hearth.accounts.models import Agency
from hearth.matching.comparisons import features
from hearth.matching.model import ScoringModel, model_version, splink_settings
from hearth.matching.training import complete_parameters
from hearth.people.models import Address, Person, PersonAddress

VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}-[0-9a-f]{10}$")


def test_train_matcher_on_made_up_people(tmp_path: Path) -> None:
    out = StringIO()
    target = tmp_path / "model.json"
    call_command("train_matcher", "--synthetic", "1500", "--output", str(target), stdout=out)
    model = json.loads(target.read_text())
    version = model["hearth"]["version"]
    assert VERSION.match(version)
    assert f"Saved model {version}" in out.getvalue()
    assert "5/5" in out.getvalue(), "the progress bar reached the end"
    assert model_version(model, version[:10]) == version, "the version is the parameters' hash"
    assert 0 < model["probability_two_random_records_match"] < 0.01

    scorer = ScoringModel(model)
    born = dt.date(2014, 6, 9)
    ada = features(unique_id=1, given_names="Ada", family_name="Quinn", date_of_birth=born)
    same = features(unique_id=2, given_names="Ada", family_name="Quinn", date_of_birth=born)
    other = features(unique_id=3, given_names="Tom", family_name="Hale", date_of_birth=born)
    assert scorer.score(ada, same).probability > 0.9
    assert scorer.score(ada, other).probability < 0.01

    from splink import DuckDBAPI, Linker  # Splink reads the same file

    from hearth.matching.training import rows_table

    frame = DuckDBAPI().register(rows_table([ada, same]), table_name="people")
    Linker(frame, splink_settings(model), log_level=logging.WARNING)


@pytest.mark.django_db
def test_train_matcher_on_the_deployments_people(wessex: Any, tmp_path: Path) -> None:
    from hearth.matching.synthetic import people

    agency = Agency.objects.order_by("pk")[0]
    for clean, second in people(400, seed=5):
        for record in (clean, second):
            if record is None:
                continue
            person = Person.objects.create(
                given_names=record.given_names,
                family_name=record.family_name,
                date_of_birth=record.date_of_birth,
                sex=record.sex,
                recorded_by_agency=agency,
            )
            if record.postcode:
                home = Address.objects.create(
                    line_1=record.address, town="Alton", postcode=record.postcode
                )
                PersonAddress.objects.create(person=person, address=home)
    target = tmp_path / "model.json"
    out = StringIO()
    call_command("train_matcher", "--output", str(target), stdout=out)
    model = json.loads(target.read_text())
    assert model["hearth"]["trained_on_records"] == Person.objects.count()
    assert "Reading" in out.getvalue()


@pytest.mark.django_db
def test_too_few_people_to_train_on_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="too few to train on"):
        call_command("train_matcher", "--output", str(tmp_path / "m.json"), stdout=StringIO())
    assert not (tmp_path / "m.json").exists()


def test_every_level_gets_explicit_parameters() -> None:
    model = {
        "comparisons": [
            {
                "comparison_levels": [
                    {"is_null_level": True},
                    {"m_probability": 0.9, "u_probability": 0.01},
                    {
                        "m_probability": "level not observed in training dataset",
                        "u_probability": 0.2,
                    },
                    {"m_probability": 0.05},
                    {},
                    {"m_probability": 1e-9, "u_probability": 0.5},
                ]
            }
        ]
    }
    levels = complete_parameters(model)["comparisons"][0]["comparison_levels"]
    assert levels[0] == {"is_null_level": True}
    assert (levels[1]["m_probability"], levels[1]["u_probability"]) == (0.9, 0.01)
    assert (levels[2]["m_probability"], levels[2]["u_probability"]) == (0.001, 0.2)
    assert (levels[3]["m_probability"], levels[3]["u_probability"]) == (0.05, 0.000001)
    assert levels[4]["m_probability"] == levels[4]["u_probability"], "no data: no weight"
    assert levels[5]["m_probability"] == 0.001
