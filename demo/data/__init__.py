"""The demo's data: fictional cases by board and the community hospitals' second-opinion requests. Plain
declarations (demo/world.py defines their shapes); the loader (demo/loader.py) writes them through the services."""

from __future__ import annotations

from demo.data import (
    breast,
    breast_discussed,
    breast_discussed_more,
    community,
    gi,
    gi_discussed,
    second_opinion_cases,
    second_opinion_requests,
    thoracic,
    thoracic_discussed,
)
from demo.world import DemoCase, DemoSecondOpinion


def demo_cases() -> list[DemoCase]:
    return [
        *breast.CASES,
        *breast_discussed.CASES,
        *breast_discussed_more.CASES,
        *thoracic.CASES,
        *thoracic_discussed.CASES,
        *gi.CASES,
        *gi_discussed.CASES,
        *community.CASES,
        *second_opinion_cases.CASES,
    ]


def demo_requests() -> list[DemoSecondOpinion]:
    return list(second_opinion_requests.REQUESTS)
