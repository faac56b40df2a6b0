"""Shared fixtures of the requirements tests: the example agreements and their data."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from cccplan.requirements import Agreement

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "agreements"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def complete() -> Agreement:
    return Agreement.from_file(EXAMPLES / "agreement.yaml")


@pytest.fixture(scope="session")
def minimal() -> Agreement:
    return Agreement.from_file(EXAMPLES / "minimal.yaml")


@pytest.fixture
def complete_data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load((EXAMPLES / "agreement.yaml").read_text()))


@pytest.fixture
def minimal_data() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load((EXAMPLES / "minimal.yaml").read_text()))
