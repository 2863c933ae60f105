"""Schemathesis against the OpenAPI schema the running server serves: no request makes it fail (5xx)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from quellenlage.web.app import create_app
from quellenlage.web.settings import Settings

from .test_cli import sample_inputs
from .test_web_browser import AUTH, running_server

# The schema is the app's own (pytest's collection needs it before any server runs); the fixture below
# checks that the server serves exactly this. URL ingestion fetches what it is given, and an uploaded
# text of URLs is a list to fetch: generated URLs would reach beyond this machine, so those two are
# left out here and tested with loopback URLs in test_web_api.
SCHEMA = create_app(Settings(db=":memory:")).openapi()
schema = schemathesis.openapi.from_dict(SCHEMA).exclude(path_regex="^/api/articles/(urls|files)$")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server holding the sample story (so that reads find something), serving the same schema."""
    with running_server(tmp_path_factory.mktemp("schema"), "--write-rate", "none") as base:
        files = [("files", (Path(p).name, Path(p).read_bytes())) for p in sample_inputs()]
        assert (
            httpx.post(f"{base}/api/articles/files", files=files, headers=AUTH, timeout=900).status_code
            == 201
        )
        assert httpx.get(f"{base}/api/openapi.json").json() == SCHEMA
        yield base


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_server_fail(case: schemathesis.Case, served: str) -> None:
    response = case.call(base_url=served, headers=AUTH, timeout=900)
    case.validate_response(response, checks=[not_a_server_error])
