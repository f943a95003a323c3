"""Run a test module on both server profiles: ``from profiles import revad``.

``eos`` is our faithful test server (tools/revad/FIDELITY.md); ``upstream``
is Reva's own drivers and managers, with none of ours: no CS3 locks, no
share enforcement, tus offered. Importing this ``revad`` into a module
overrides the session fixture there, so ``login``, ``einstein`` and every
fixture built on them run once per profile.
"""

from __future__ import annotations

import pytest

from cs3widgets.devserver import RevadServer


@pytest.fixture(params=["eos", "upstream"])
def revad(
    request: pytest.FixtureRequest, revad: RevadServer, revad_upstream: RevadServer
) -> RevadServer:
    """The session's server of the profile this run of the test is for."""
    return revad if request.param == "eos" else revad_upstream
