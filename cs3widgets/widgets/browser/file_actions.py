"""New folder, rename, move and delete: the Browser's actions on the folder shown.

Each asks first where it needs to (an inline prompt, a folder picker or a
confirmation), then runs its server calls on the runner with the folder
buttons disabled, then reloads the folder and says what happened in the
banner: one message per batch ("Deleted 3 items"), and, when a step fails,
how far it got and why in plain words.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from ...client import paths as cs3paths
from ...client.errors import CS3Error, Locked
from ..base.messages import UserInputError, describe_error, guarded
from ..chooser import FileChooser

#: Buttons disabled while a file action runs (they would act on a stale listing).
MUTATING = ("new_folder", "upload", "rename", "move", "delete")


def count_of(n: int, one: str, many: str = "items") -> str:
    """``"report.csv"`` for one item, ``"3 items"`` for more."""
    return one if n == 1 else f"{n} {many}"


def name_lock_holder(client: Any, exc: CS3Error, entry: Any) -> None:
    """Name who holds the lock we were refused with, by display name.

    The listing's lock (else one GetLock) gives the holder's id; the name is
    the user's display name (one cached lookup). The service layer names
    the holder by user name, where it knows it at all.
    """
    if not isinstance(exc, Locked):
        return
    lock = getattr(entry, "lock", None)
    try:
        if lock is None and exc.path:
            lock = client.locks.get_lock(exc.path)
        if lock is None:
            return
        name = ""
        if lock.holder_id:
            for idp in ("", client.identity.whoami().idp):
                user = client.identity.user_by_id(idp, lock.holder_id)
                if user is not None:
                    name = user.display_name or user.username
                    break
        exc.holder = name or lock.holder or None
    except CS3Error:
        return  # the name is a nicety


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
    _by_path: dict[str, Any]
    runner: Any
    select: Callable[[Sequence[str]], None]

    def _steps_then_reload(
        self,
        steps: Sequence[Callable[[], Any]],
        message: Callable[[int], str],
        select: Sequence[Hashable] = (),
        *,
        reload: Callable[[Callable[[], None]], None] | None = None,
        disable: Iterable[Any] | None = None,
        doing: Callable[[int], str] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_success: Callable[[], None] | None = None,
    ) -> None:
        """Run ``steps`` in order (off the main thread), then reload and report.

        ``message(done)`` is the summary of a batch. A failing step stops the
        rest; the view is reloaded all the same when something changed, and
        the error shows in plain words (``doing(i)``: what step ``i`` did,
        e.g. "delete report.csv"), after how many steps went through.
        ``on_error(exc, text)`` replaces the banner as the place for it.
        ``reload(after)`` defaults to reloading the folder shown; ``disable``
        to the buttons that change it.
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
                    what = doing(done) if doing is not None else ""
                    text = describe_error(error, what)
                    before = message(done) if done else ""
                    if before:  # say what did happen before the failure
                        text = f"{before}; then: {text}"
                    if on_error is not None:
                        on_error(error, text)
                    else:
                        self.banner.error(error, doing=what, message=text)
                    return
                if on_success is not None:
                    on_success()
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
        self.prompt.ask("New folder name:", "", self.mkdir, ok="Create",
                        placeholder="folder name")

    @guarded
    def mkdir(self, name: str) -> None:
        """Create folder ``name`` in the current folder."""
        client = self._require_client()
        name = cs3paths.validate_name(name.strip())
        target = cs3paths.join(self.path, name)
        self._steps_then_reload([lambda: client.files.mkdir(target)],
                                lambda _n: f"Created folder {name}", select=[target],
                                doing=lambda _i: f"create the folder {name}")

    @guarded
    def _ask_rename(self) -> None:
        (entry,) = self._selected_entries(1, 1)
        self.prompt.ask(f"Rename {entry.name} to:", entry.name,
                        lambda name: self.rename(entry.path, name), ok="Rename",
                        placeholder="new name")

    @guarded
    def rename(self, path: str, new_name: str) -> None:
        """Rename the entry at ``path`` to ``new_name`` (same folder)."""
        client = self._require_client()
        new_name = cs3paths.validate_name(new_name.strip())
        old_name = cs3paths.basename(path)
        self._steps_then_reload([self._step(client, path, client.files.rename, new_name)],
                                lambda _n: f"Renamed {old_name} to {new_name}",
                                select=[cs3paths.join(cs3paths.parent(path), new_name)],
                                doing=lambda _i: f"rename {old_name}")

    def _step(self, client: Any, path: str, fn: Callable[..., Any], *args: Any
              ) -> Callable[[], Any]:
        """``fn(path, *args)`` as a step; a lock refusal names its holder."""
        entry = self._by_path.get(path)

        def step() -> Any:
            try:
                return fn(path, *args)
            except CS3Error as exc:
                name_lock_holder(client, exc, entry)
                raise

        return step

    @guarded
    def _ask_move(self) -> None:
        client = self._require_client()
        chosen = self._selected_entries()
        paths = [e.path for e in chosen]
        what = count_of(len(chosen), chosen[0].name)
        picker = FileChooser(self.path, show_only_dirs=True, select_desc="Move here",
                             change_desc="Pick another folder", client=client,
                             runner=self.runner, layout=None)
        self.prompt.ask_folder(f"Move {what} to:", picker,
                               lambda dest: self.move(paths, dest, in_prompt=True))

    @guarded
    def move(self, paths: Sequence[str], dest_folder: str, *, in_prompt: bool = False) -> None:
        """Move ``paths`` into folder ``dest_folder`` (names are kept).

        ``in_prompt``: the move prompt asked; it closes when the move is
        done and shows the error inside it (staying open) when it fails.
        """
        client = self._require_client()
        dest_folder = cs3paths.validate_path(dest_folder.strip())
        names = [cs3paths.basename(p) for p in paths]
        where = cs3paths.basename(dest_folder) or dest_folder

        def check_folder() -> None:
            if not client.files.stat(dest_folder).is_dir:
                raise UserInputError(f"{dest_folder} is not a folder")

        steps: list[Callable[[], Any]] = [check_folder]
        steps += [self._step(client, p, client.files.move, cs3paths.join(dest_folder, name))
                  for p, name in zip(paths, names, strict=True)]

        def message(done: int) -> str:
            moved = max(0, done - 1)  # the first step only checks the folder
            if not moved:
                return ""
            if moved < len(paths):
                return f"Moved {moved} of {len(paths)} items to {where}"
            return f"Moved {count_of(moved, names[0])} to {where}"

        def doing(i: int) -> str:
            return f"move into {where}" if i == 0 else f"move {names[i - 1]}"

        def in_prompt_error(exc: BaseException, text: str) -> None:
            self.prompt.show_error(exc, message=text)

        self._steps_then_reload(
            steps, message, doing=doing,
            on_error=in_prompt_error if in_prompt else None,
            on_success=self.prompt.close_prompt if in_prompt else None,
        )

    @guarded
    def _ask_delete(self) -> None:
        chosen = self._selected_entries()
        paths = [e.path for e in chosen]
        what = count_of(len(chosen), chosen[0].name)
        self.confirm.ask(f"Delete {what}? It goes to the trash.",
                         lambda: self.delete(paths), confirm="Delete")

    @guarded
    def delete(self, paths: Sequence[str]) -> None:
        """Delete ``paths`` (they go to the trash)."""
        client = self._require_client()
        names = [cs3paths.basename(p) for p in paths]
        steps = [self._step(client, p, client.files.delete) for p in paths]

        def message(done: int) -> str:
            if done < len(paths) and done:
                return f"Deleted {done} of {len(paths)} items"
            return f"Deleted {count_of(done, names[0])}"

        self._steps_then_reload(steps, message, doing=lambda i: f"delete {names[i]}")


__all__ = ["FileActions", "count_of", "name_lock_holder"]
