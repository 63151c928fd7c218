"""Where the shipped data files live: inside the installed package (noki/_data/)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped(*parts: str) -> Path:
    """A path inside the package's data (rules, templates, prompts, data), installed or editable."""
    # In a checkout noki/_data/* are symlinks to the top-level folders; a wheel holds copies.
    return Path(str(files("noki").joinpath("_data", *parts)))
