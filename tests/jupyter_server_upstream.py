"""jupyter_server's own contents tests, run against CS3ContentsManager.

``scripts/setup.sh`` extracts ``tests/services/contents`` from the sdist of
the installed jupyter_server into the cache (never into this repository).
:func:`upstream` loads one of those modules; each ``test_jupyter_server_*``
module takes its tests and fixtures and then overrides, by name, what says
where the files are: the manager (``jp_contents_manager``, the server's
``contents_manager_class``) is a :class:`CS3ContentsManager` rooted in a
fresh folder of einstein's on the session's real revad, and the fixtures
that made files on the local disk make them on CS3.

pytest-jupyter's fixtures are imported into those modules only (its
autouse fixtures would otherwise open and close an event loop around every
test of the suite); its coroutine tests are run by tests/conftest.py.
Tests that need the local disk by construction are deselected by
tests/jupyter_server_deselected.txt.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.metadata
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any

import pytest
import tornado.escape
from pytest_jupyter import jupyter_server as _plugin
from traitlets.config import Config

from cs3widgets.client import CS3Client
from cs3widgets.contents import CS3ContentsManager
from cs3widgets.devserver import RevadServer

#: pytest-jupyter's fixtures, for the modules that run upstream tests.
PLUGIN_FIXTURES = {
    k: v for k, v in vars(_plugin).items()
    # pytest >= 8.4 wraps fixtures in FixtureFunctionDefinition; earlier ones mark them.
    if type(v).__name__ == "FixtureFunctionDefinition" or hasattr(v, "_pytestfixturefunction")
}
#: The name the upstream tests import their package by (``from tests.conftest import dirs``).
PACKAGE = "tests"
#: CS3 settings of the developer's shell that must not reach the server under test.
_CS3_ENV = ("CS3_GATEWAY", "CS3_AUTH", "CS3_USER", "CS3_PASSWORD", "CS3_TOKEN",
            "CS3_TOKEN_FILE", "CS3_HOME", "CS3_SWAN_TOKEN_FILE")


@functools.cache
def upstream_dir() -> Path:
    """Where setup.sh put the tests of the installed jupyter_server (asked once:
    pytest-jupyter's fixtures move ``HOME``)."""
    version = importlib.metadata.version("jupyter_server")
    cache = Path(os.environ.get("CS3W_CACHE", Path.home() / ".cache" / "cs3widgets"))
    tests = cache / "jupyter_server-tests" / version / "tests"
    if not (tests / "services" / "contents" / "test_manager.py").is_file():
        raise RuntimeError(f"jupyter_server {version}'s tests are missing from {tests}: "
                           "run scripts/setup.sh")
    return tests


@functools.cache
def _dirs(tests: Path) -> list[tuple[str, str]]:
    """Upstream conftest's ``dirs`` (the tree its ``contents`` fixture makes), read, not run."""
    tree = ast.parse((tests / "conftest.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "dirs" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise RuntimeError("jupyter_server's tests/conftest.py defines no 'dirs'")


def upstream(name: str) -> dict[str, Any]:
    """The namespace of upstream ``tests/services/contents/<name>.py``, to merge into a module."""
    tests = upstream_dir()
    if PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PACKAGE, tests / "__init__.py", submodule_search_locations=[str(tests)])
        assert spec is not None and spec.loader is not None
        package = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = package
        spec.loader.exec_module(package)
        # Upstream's conftest starts a mock extension; the tests only take its ``dirs``.
        conftest = ModuleType(f"{PACKAGE}.conftest")
        conftest.dirs = _dirs(tests)  # type: ignore[attr-defined]
        sys.modules[conftest.__name__] = conftest
        pytest.register_assert_rewrite(f"{PACKAGE}.services.contents")
    module = importlib.import_module(f"{PACKAGE}.services.contents.{name}")
    return {k: v for k, v in vars(module).items() if not k.startswith("__")}


def take(namespace: dict[str, Any], name: str, *ours: str) -> ModuleType:
    """Fill a test module's ``namespace`` with pytest-jupyter's fixtures, upstream
    module ``name``'s tests and fixtures, then our fixtures called ``ours``
    (which override theirs); return the upstream module."""
    namespace.update(PLUGIN_FIXTURES)
    namespace.update(upstream(name))
    namespace.update({k: globals()[k] for k in ours})
    return module_of(name)


def module_of(name: str) -> ModuleType:
    """The loaded upstream module (its helpers are looked up there)."""
    return sys.modules[f"{PACKAGE}.services.contents.{name}"]


# -- CS3 in place of the local disk ---------------------------------------------
def cs3_mkdir(client: CS3Client, cs3: str) -> None:
    """``os.makedirs(path, exist_ok=True)`` on CS3."""
    client.files.mkdir(cs3, parents=True, exist_ok=True)


class CS3Dir:
    """The part of :class:`pathlib.Path` upstream fixtures use, on a CS3 folder."""

    def __init__(self, client: CS3Client, path: str) -> None:
        self.client = client
        self.path = path

    def __truediv__(self, other: object) -> CS3Dir:
        return self.joinpath(str(other))

    def joinpath(self, *parts: object) -> CS3Dir:
        return CS3Dir(self.client, "/".join([self.path.rstrip("/"), *map(str, parts)]))

    def __str__(self) -> str:
        return self.path

    def __fspath__(self) -> str:
        return self.path

    def mkdir(self, parents: bool = False, exist_ok: bool = False) -> None:
        self.client.files.mkdir(self.path, parents=parents, exist_ok=exist_ok)

    def write_bytes(self, data: bytes) -> int:
        self.client.transfers.upload(data, self.path)
        return len(data)

    def write_text(self, text: str, encoding: str = "utf-8") -> int:
        return self.write_bytes(text.encode(encoding))

    def is_dir(self) -> bool:
        return self.client.files.exists(self.path) and self.client.files.stat(self.path).is_dir

    def is_file(self) -> bool:
        return self.client.files.exists(self.path) and not self.client.files.stat(self.path).is_dir


def make_contents(root: CS3Dir, dirs: list[tuple[str, str]]) -> dict[str, Any]:
    """Upstream conftest's ``contents``: a notebook, a text file and a blob per folder."""
    from nbformat import writes
    from nbformat.v4 import new_notebook

    paths: dict[str, Any] = {"notebooks": [], "textfiles": [], "blobs": [], "contents_dir": root}
    uploads: list[tuple[CS3Dir, bytes]] = []
    for d, name in dirs:
        where = root / d if d else root
        where.mkdir(parents=True, exist_ok=True)
        rel = PurePosixPath(d) if d else PurePosixPath()
        for kind, ext, data in (
            ("notebooks", "ipynb", writes(new_notebook(), version=4).encode()),
            ("textfiles", "txt", f"{name} text file".encode()),
            ("blobs", "blob", name.encode("utf-8") + b"\xff"),
        ):
            uploads.append((where / f"{name}.{ext}", data))
            paths[kind].append(rel / f"{name}.{ext}")
    with ThreadPoolExecutor(4) as pool:  # 36 files: one at a time is most of a test's time
        list(pool.map(lambda u: u[0].write_bytes(u[1]), uploads))
    paths["all"] = list(paths.values())
    return paths


# -- fixtures the upstream modules import -----------------------------------------
@pytest.fixture()
def cs3_root(einstein: CS3Client, folder: str) -> CS3Dir:
    """The fresh CS3 folder the manager under test serves."""
    return CS3Dir(einstein, folder)


@pytest.fixture()
def jp_contents_manager(
    einstein: CS3Client, folder: str, make_cm: Callable[..., CS3ContentsManager]
) -> CS3ContentsManager:
    """Upstream's manager fixture: ours, on a fresh CS3 folder."""
    return make_cm(einstein, folder)


@pytest.fixture()
def jp_file_contents_manager_class(
    einstein: CS3Client, folder: str, make_cm: Callable[..., CS3ContentsManager]
) -> Callable[..., CS3ContentsManager]:
    """Upstream builds managers on its ``tmp_path``: each is ours on the test's CS3 folder."""
    def build(root_dir: str = "", **traits: Any) -> CS3ContentsManager:
        return make_cm(einstein, folder, **traits)

    return build


@pytest.fixture()
def jp_server_config(
    revad: RevadServer, folder: str, monkeypatch: pytest.MonkeyPatch, jp_environ: None
) -> Config:
    """The server's contents manager is ours, configured as a deployment configures it."""
    for var in _CS3_ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CS3_GATEWAY", revad.gateway)
    monkeypatch.setenv("CS3_USER", "einstein")
    monkeypatch.setenv("CS3_PASSWORD", "relativity")
    return Config({
        "ServerApp": {"contents_manager_class": CS3ContentsManager},
        "CS3ContentsManager": {"root_dir": folder},
    })


@pytest.fixture()
def jp_argv() -> list[str]:
    """No command line: upstream's picks a local contents manager class."""
    return []


@pytest.fixture()
def contents_dir(cs3_root: CS3Dir, jp_serverapp: Any) -> Iterator[CS3Dir]:
    """Upstream's ``contents_dir``: the folder the server serves, on CS3."""
    yield cs3_root
    jp_serverapp.contents_manager.shutdown()


@pytest.fixture()
def contents(contents_dir: CS3Dir) -> dict[str, Any]:
    """Upstream's ``contents`` tree, on CS3."""
    return make_contents(contents_dir, _dirs(upstream_dir()))


@pytest.fixture()
def folders() -> list[str]:
    """Upstream's ``folders``."""
    return list({d for d, _ in _dirs(upstream_dir())})


@pytest.fixture()
def _check_created(jp_base_url: str, einstein: CS3Client) -> Callable[..., None]:
    """Upstream's ``_check_created``, looking on CS3 where it looked on the disk."""
    def _inner(r: Any, contents_dir: str, path: str, name: str, type: str = "notebook") -> None:
        fpath = path + "/" + name
        assert r.code == 201
        location = jp_base_url + "api/contents/" + tornado.escape.url_escape(fpath, plus=False)
        assert r.headers["Location"] == location
        model = json.loads(r.body.decode())
        assert model["name"] == name
        assert model["path"] == fpath
        assert model["type"] == type
        entry = einstein.files.stat(contents_dir + "/" + fpath)
        assert entry.is_dir == (type == "directory")

    return _inner


@pytest.fixture()
def contents_manager(
    contents: dict[str, Any], einstein: CS3Client, folder: str,
    make_cm: Callable[..., CS3ContentsManager],
) -> CS3ContentsManager:
    """test_checkpoints' manager (a local one per checkpoints class upstream): ours."""
    return make_cm(einstein, folder)



@pytest.fixture()
def file_manager_with_notary(
    einstein: CS3Client, folder: str, make_cm: Callable[..., CS3ContentsManager],
    tmp_path: Path,
) -> CS3ContentsManager:
    """test_manager's manager with a notary of its own (its store is a local SQLite file)."""
    from nbformat.sign import NotebookNotary

    notary_dir = tmp_path / "notary"
    notary_dir.mkdir()
    cm = make_cm(einstein, folder)
    cm.notary = NotebookNotary(data_dir=str(notary_dir))
    return cm


def make_dir(cm: CS3ContentsManager, api_path: str) -> None:
    """test_manager's ``_make_dir`` (``os.makedirs`` under the root), on CS3."""
    cs3_mkdir(cm.client, cm.cs3_path(api_path))


def make_big_dir(contents_manager: CS3ContentsManager, api_path: str) -> None:
    """test_manager's ``_make_big_dir``: a folder over ``max_copy_folder_size_mb``, on CS3.

    Upstream copies a text file 200 times into each of ten subfolders per MB
    allowed; three files of half the limit each are as big, in fewer uploads.
    """
    cm = contents_manager
    part = b"x" * (cm.max_copy_folder_size_mb * 1024 * 1024 // 2)
    for i in range(3):
        sub = cm.cs3_path(f"{api_path}/subfolder-{i}")
        cs3_mkdir(cm.client, sub)
        cm.client.transfers.upload(part, f"{sub}/testfile0.txt")


__all__ = [
    "PLUGIN_FIXTURES", "CS3Dir", "_check_created", "contents", "contents_dir",
    "contents_manager", "cs3_mkdir", "cs3_root", "file_manager_with_notary", "folders",
    "jp_argv", "jp_contents_manager", "jp_file_contents_manager_class", "jp_server_config",
    "make_big_dir", "make_contents", "make_dir", "module_of", "take", "upstream",
]
