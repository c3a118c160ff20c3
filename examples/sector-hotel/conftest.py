"""The portal's test kit: fixtures for an app with a tenant of this sector."""

import pytest

pytest_plugins = ["portal.testing"]


@pytest.fixture
def sector_key() -> str:
    return "hotel"
