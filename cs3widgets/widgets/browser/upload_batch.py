"""One message for a batch of uploads: "Uploaded 3 files", not three messages.

Each file of a batch has its own progress row and its own job on the
runner; the batch counts what finished and, once every file has, reloads
the folder once and says in one line what happened.
"""

from __future__ import annotations

from collections.abc import Callable

from ..base.messages import describe_error


def files_phrase(n: int, only: str) -> str:
    """``"report.csv"`` for one file, ``"3 files"`` for more."""
    return only if n == 1 else f"{n} files"


class UploadBatch:
    """Counts the uploads of one pick; reports once all are done.

    ``report(ok, failures)``: ``ok`` names the files uploaded, ``failures``
    the (name, error) pairs; called on the event loop, once.
    """

    def __init__(self, names: list[str],
                 report: Callable[[list[str], list[tuple[str, BaseException]]], None]) -> None:
        self.names = names
        self.ok: list[str] = []
        self.failures: list[tuple[str, BaseException]] = []
        self._report = report

    def finished(self, name: str, error: BaseException | None = None) -> None:
        """One file is done (``error``: it failed)."""
        if error is None:
            self.ok.append(name)
        else:
            self.failures.append((name, error))
        if len(self.ok) + len(self.failures) == len(self.names):
            self._report(self.ok, self.failures)


def summary(ok: list[str], failures: list[tuple[str, BaseException]], total: int) -> str:
    """The batch in one line (plain text): what went up, and the first failure's reason."""
    if not failures:
        return f"Uploaded {files_phrase(len(ok), ok[0] if ok else '')}"
    name, error = failures[0]
    reason = describe_error(error, f"upload {name}")
    if not ok:
        if total == 1:
            return reason
        return f"None of the {total} files was uploaded: {reason}"
    return f"Uploaded {len(ok)} of {total} files; {reason}"


__all__ = ["UploadBatch", "files_phrase", "summary"]
