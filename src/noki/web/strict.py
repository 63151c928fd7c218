"""Strict request types at the API boundary: no bool->int, no "yes"->bool, dates as ISO text."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Strict

from noki.domain.order import Day, Eta
from noki.services.order_input import OrderIn


def _iso_text(value: object) -> object:
    if isinstance(value, date) or (isinstance(value, str) and len(value) == 10):
        return value
    raise ValueError("expected a date as text, YYYY-MM-DD")


IsoDate = Annotated[Day, Strict(False), BeforeValidator(_iso_text)]


class StrictBody(BaseModel):
    """A JSON request body: exact JSON types, unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, str_strip_whitespace=True)


class EtaIn(Eta):
    """An ETA window as a request states it."""

    model_config = ConfigDict(strict=True)
    earliest: IsoDate
    latest: IsoDate


def order_from_json(item: Any) -> OrderIn:
    """Validate one posted order with JSON's own types (strict; dates as ISO text)."""
    return OrderIn.model_validate_json(json.dumps(item), strict=True)
