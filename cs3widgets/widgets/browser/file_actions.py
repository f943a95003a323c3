"""New folder, rename, move and delete: the Browser's actions on the folder shown.

Each asks first where it needs to (an inline prompt or confirmation), then
runs its server calls on the runner with the folder buttons disabled, then
reloads the folder and says what happened in the banner.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from ...client import paths as cs3paths
from ..errors_ui import UserInputError, guarded

#: Buttons disabled while a file action runs (they would act on a stale listing).
MUTATING = ("new_folder", "upload", "rename", "move", "delete")


class FileActions:
    """Mixin of :class:`~.widget.Browser`: actions on the entries of the folder shown."""

    # Provided by the Browser.
    path: str
    toolbar: Any
    prompt: Any
    confirm: Any
    banner: Any
    _require_client: Callable[[], Any]
    _selected_entries: Callable[..., list[Any]]
    _run: Callable[..., Any]
    _load_folder: Callable[..., None]
    select: Callable[[Sequence[str]], None]

    def _steps_then_reload(
        self,
        steps: Sequence[Callable[[], Any]],
        message: Callable[[int], str],
        select: Sequence[Hashable] = (),
        *,
        reload: Callable[[Callable[[], None]], None] | None = None,
        disable: Iterable[Any] | None = None,
    ) -> None:
        """Run ``steps`` in order (off the main thread), then reload and report.

        A failing step stops the rest; the view is reloaded all the same
        when something changed, and the error shows. ``reload(after)``
        defaults to reloading the folder shown; ``disable`` to the buttons
        that change it.
        """
        folder = self.path
        if reload is None:
            def reload(after: Callable[[], None]) -> None:
                self._load_folder(folder, after)
        if disable is None:
            disable = [getattr(self.toolbar, b) for b in MUTATING]

        def work() -> tuple[int, BaseException | None]:
            done = 0
            try:
                for step in steps:
                    step()
                    done += 1
            except Exception as exc:
                return done, exc
            return done, None

        def apply(result: tuple[int, BaseException | None]) -> None:
            done, error = result

            def after() -> None:
                if error is not None:
                    self.banner.error(error)
                    return
                if select:
                    self.select(list(select))
                self.banner.success(message(done))

            if done:
                reload(after)
            else:
                after()

        self._run(work, apply, disable=disable)

    @guarded
    def _ask_mkdir(self) -> None:
        self._require_client()
        self.prompt.ask("New folder name:", "", self.mkdir, ok="Create")

    @guarded
    def mkdir(self, name: str) -> None:
        """Create folder ``name`` in the current folder."""
        client = self._require_client()
        name = cs3paths.validate_name(name.strip())
        target = cs3paths.join(self.path, name)
        self._steps_then_reload([lambda: client.files.mkdir(target)],
                                lambda _n: f"Created folder {name}", select=[target])

    @guarded
    def _ask_rename(self) -> None:
        (entry,) = self._selected_entries(1, 1)
        self.prompt.ask(f"Rename {entry.name} to:", entry.name,
                        lambda name: self.rename(entry.path, name), ok="Rename")

    @guarded
    def rename(self, path: str, new_name: str) -> None:
        """Rename the entry at ``path`` to ``new_name`` (same folder)."""
        client = self._require_client()
        new_name = cs3paths.validate_name(new_name.strip())
        self._steps_then_reload([lambda: client.files.rename(path, new_name)],
                                lambda _n: f"Renamed to {new_name}",
                                select=[cs3paths.join(cs3paths.parent(path), new_name)])

    @guarded
    def _ask_move(self) -> None:
        chosen = self._selected_entries()
        paths = [e.path for e in chosen]
        what = chosen[0].name if len(chosen) == 1 else f"{len(chosen)} items"
        self.prompt.ask(f"Move {what} to folder:", self.path,
                        lambda dest: self.move(paths, dest), ok="Move")

    @guarded
    def move(self, paths: Sequence[str], dest_folder: str) -> None:
        """Move ``paths`` into folder ``dest_folder`` (names are kept)."""
        client = self._require_client()
        dest_folder = cs3paths.validate_path(dest_folder.strip())

        def check_folder() -> None:
            if not client.files.stat(dest_folder).is_dir:
                raise UserInputError(f"{dest_folder} is not a folder")

        steps: list[Callable[[], Any]] = [check_folder]
        steps += [
            (lambda p=p: client.files.move(p, cs3paths.join(dest_folder, cs3paths.basename(p))))
            for p in paths
        ]
        self._steps_then_reload(steps, lambda n: f"Moved {n - 1} item(s) to {dest_folder}")

    @guarded
    def _ask_delete(self) -> None:
        chosen = self._selected_entries()
        paths = [e.path for e in chosen]
        what = chosen[0].name if len(chosen) == 1 else f"{len(chosen)} items"
        self.confirm.ask(f"Delete {what}? It goes to the trash.",
                         lambda: self.delete(paths), confirm="Delete")

    @guarded
    def delete(self, paths: Sequence[str]) -> None:
        """Delete ``paths`` (they go to the trash)."""
        client = self._require_client()
        steps = [(lambda p=p: client.files.delete(p)) for p in paths]
        self._steps_then_reload(steps, lambda n: f"Deleted {n} item(s)")


__all__ = ["FileActions"]
