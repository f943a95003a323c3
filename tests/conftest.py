"""Shared fixtures: one real revad per test session, and logged-in clients."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from inspect import iscoroutinefunction
from pathlib import Path
from typing import Any

import pytest
from _pytest import junitxml

# The browser tests' front-end session, shared by every browser test module.
from browser.session import app, chromium, session  # noqa: F401

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import DEMO_USERS, RevadServer, SiteConfig, ocm_pair

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
#: jupyter_server's own tests that need the local disk by construction, one a line.
UPSTREAM_DESELECTED = Path(__file__).resolve().parent / "jupyter_server_deselected.txt"


def _upstream_deselected() -> set[str]:
    """Node ids of tests/jupyter_server_deselected.txt (each line: id, then ``# why``)."""
    ids = set()
    for line in UPSTREAM_DESELECTED.read_text(encoding="utf-8").splitlines():
        node, _, why = line.partition("#")
        if node.strip():
            assert why.strip(), f"{UPSTREAM_DESELECTED.name}: no reason given for {node.strip()}"
            ids.add(node.strip())
    return ids


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect what jupyter_server_deselected.txt names; run the browser tests last.

    The browser tests run after all others (keeping each group's order).

    They share one Chromium for the whole run (tests/browser/session.py),
    and Playwright's sync API keeps an event loop running in the main thread
    while it is open: a test that starts an asyncio loop of its own (the
    contents manager's, nbclient's) cannot run after it has started. This
    is no dependency between tests: each sets up what it needs either way.
    """
    upstream = _upstream_deselected()
    gone = [i for i in items if {i.nodeid, i.nodeid.split("[")[0]} & upstream]
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = [i for i in items if i not in gone]
    # scripts/test.sh reports the count with the suite's (the XML has no deselected tests).
    xml = config.stash.get(junitxml.xml_key, None)
    if xml is not None:
        xml.add_global_property("jupyter_server_deselected", str(len(gone)))
    items[:] = ([i for i in items if i.get_closest_marker("browser") is None]
                + [i for i in items if i.get_closest_marker("browser") is not None])


def _runs_upstream(module: Any) -> bool:
    """Whether a module runs jupyter_server's tests (it holds pytest-jupyter's fixtures)."""
    return "jp_asyncio_loop" in vars(module)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> Any:
    """Collect jupyter_server's coroutine tests (as pytest-jupyter does, in those modules only)."""
    module = getattr(collector, "module", None)
    if (module is not None and iscoroutinefunction(obj) and _runs_upstream(module)
            and collector.funcnamefilter(name)):  # type: ignore[attr-defined]
        return list(collector._genfunctions(name, obj))  # type: ignore[attr-defined]
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run a jupyter_server coroutine test on pytest-jupyter's event loop."""
    loop = pyfuncitem.funcargs.get("jp_asyncio_loop")
    if loop is None or not iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {a: pyfuncitem.funcargs[a] for a in pyfuncitem._fixtureinfo.argnames}
    loop.run_until_complete(pyfuncitem.obj(**args))  # type: ignore[attr-defined]
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    """On a failure, show the errors each revad of the test logged (its cause is often there)."""
    report = yield
    if report.failed and call.when == "call":
        for name, value in getattr(item, "funcargs", {}).items():
            servers = value if isinstance(value, tuple) else (value,)
            for server in servers:
                if isinstance(server, RevadServer):
                    errors = server.log_errors()
                    if errors:
                        report.sections.append((f"revad errors ({name}, {server.gateway})", errors))
    return report


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--refresh-screenshots",
        action="store_true",
        help="write the browser tests' screenshots to docs/screenshots (the README's)",
    )


@pytest.fixture(scope="session")
def screenshot_dir(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Where browser tests save screenshots: a temporary folder unless asked to refresh."""
    if request.config.getoption("--refresh-screenshots"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def revad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    """A real revad with the demo users, on free ports, for the whole session."""
    with RevadServer(SiteConfig(root=tmp_path_factory.mktemp("revad"))) as server:
        yield server


@pytest.fixture(scope="session")
def revad_upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    """A revad of the ``upstream`` profile: Reva's own drivers and managers, none of ours."""
    site = SiteConfig(root=tmp_path_factory.mktemp("upstream"), profile="upstream")
    with RevadServer(site) as server:
        yield server


@pytest.fixture()
def profile(revad: RevadServer) -> str:
    """The profile of the server the test runs on: "eos", or "upstream" in
    modules that run on both (``from profiles import revad``)."""
    return revad.site.profile


@pytest.fixture()
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RevadServer]:
    """A revad for one test alone, which it may stop and start again."""
    with RevadServer(SiteConfig(root=tmp_path_factory.mktemp("own"))) as server:
        yield server


@pytest.fixture(scope="module")
def ocm_sites(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RevadServer, RevadServer]]:
    """Two OCM-enabled sites that trust each other, fresh per module (invites are one-shot)."""
    with ocm_pair(tmp_path_factory.mktemp("ocm")) as pair:
        yield pair


@pytest.fixture()
def login(revad: RevadServer) -> Iterator[Callable[..., CS3Client]]:
    """Factory: ``login("marie")`` returns a client logged in as that demo user."""
    clients: list[CS3Client] = []

    def _login(username: str, *, server: RevadServer | None = None, **kw: object) -> CS3Client:
        user = DEMO_USERS[username]
        c = CS3Client((server or revad).gateway, BasicAuth(user.username, user.password), **kw)
        clients.append(c)
        return c

    yield _login
    for c in clients:
        c.close()


@pytest.fixture()
def einstein(login: Callable[..., CS3Client]) -> CS3Client:
    """A client logged in as einstein."""
    return login("einstein")


@pytest.fixture()
def marie(login: Callable[..., CS3Client]) -> CS3Client:
    """A client logged in as marie."""
    return login("marie")


@pytest.fixture()
def richard(login: Callable[..., CS3Client]) -> CS3Client:
    """A client logged in as richard."""
    return login("richard")


@pytest.fixture()
def unique() -> str:
    """A short unique name, so that tests sharing one server never collide."""
    return f"t-{uuid.uuid4().hex[:10]}"
