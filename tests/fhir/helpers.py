"""The synthetic bundles of tests/fhir/bundles/ (written after the mCODE STU4 profiles) and the import call."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

BUNDLES = Path(__file__).with_name("bundles")
URL = "/api/v1/fhir/import/"


@cache
def _load(name: str) -> dict:
    return json.loads((BUNDLES / f"{name}.json").read_text())


def bundle(name: str) -> dict:
    """A fresh copy of a bundle, to change in a test."""
    return copy.deepcopy(_load(name))


def post(client, body, *, board=None, content_type="application/fhir+json"):
    url = URL + (f"?board={board}" if board else "")
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data=data, content_type=content_type)


def resource(body: dict, resource_id: str) -> dict:
    return next(e["resource"] for e in body["entry"] if e["resource"].get("id") == resource_id)
