import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.pages.test_case_page import _grow, url

def test_q(client, world):
    client.force_login(world.member)
    _grow(world, world.case, 1)
    client.get(url(world.case))
    with CaptureQueriesContext(connection) as q:
        client.get(url(world.case))
    for x in q.captured_queries:
        print("Q:", x["sql"][:150])
