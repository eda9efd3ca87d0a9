"""Fixtures of the hidden checks: the learner's code, reached through the judge's session."""

from __future__ import annotations

import pytest

from grader.isolation.session import LearnerSession


@pytest.fixture
def learner(request: pytest.FixtureRequest) -> LearnerSession:
    return request.config.pluginmanager.get_plugin("kldrill-judge").session
