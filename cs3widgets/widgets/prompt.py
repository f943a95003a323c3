"""Inline prompts: ask for a name or path, or confirm a destructive action.

They sit inside the widget (no pop-ups, which core ipywidgets do not have).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from .formatting import esc


class Prompt(w.HBox):
    """A hidden row ``[label] [text] [OK] [Cancel]`` shown by :meth:`ask`."""

    def __init__(self, **kwargs: Any) -> None:
        self.label = w.HTML()
        self.text = w.Text(continuous_update=False, layout=w.Layout(width="24em"))
        self.ok = w.Button(description="OK", button_style="primary", layout=w.Layout(width="6em"))
        self.cancel = w.Button(description="Cancel", layout=w.Layout(width="6em"))
        super().__init__([self.label, self.text, self.ok, self.cancel], **kwargs)
        self.layout.display = "none"
        self._on_ok: Callable[[str], None] | None = None
        self.ok.on_click(lambda _b: self.submit())
        self.cancel.on_click(lambda _b: self.close_prompt())

    @property
    def active(self) -> bool:
        """True while the prompt is shown."""
        return self.layout.display != "none"

    def ask(self, label: str, initial: str, on_ok: Callable[[str], None], ok: str = "OK") -> None:
        """Show the prompt; ``on_ok(text)`` runs when the user confirms."""
        with self.hold_sync():
            self.label.value = f"<b>{esc(label)}</b>"
            self.text.value = initial
            self.ok.description = ok
            self._on_ok = on_ok
            self.layout.display = None

    def submit(self) -> None:
        """Confirm: hide the prompt and run the callback with the text."""
        if self._on_ok is None:
            return
        callback, value = self._on_ok, self.text.value
        self.close_prompt()
        callback(value)

    def close_prompt(self) -> None:
        """Hide the prompt without doing anything."""
        self._on_ok = None
        self.layout.display = "none"


class Confirm(w.HBox):
    """A hidden row ``[question] [Confirm] [Cancel]``: the second step of a delete."""

    def __init__(self, **kwargs: Any) -> None:
        self.question = w.HTML()
        self.confirm = w.Button(description="Confirm", button_style="danger",
                                layout=w.Layout(width="7em"))
        self.cancel = w.Button(description="Cancel", layout=w.Layout(width="6em"))
        super().__init__([self.question, self.confirm, self.cancel], **kwargs)
        self.layout.display = "none"
        self._action: Callable[[], None] | None = None
        self.confirm.on_click(lambda _b: self.accept())
        self.cancel.on_click(lambda _b: self.dismiss())

    @property
    def active(self) -> bool:
        """True while the question is shown."""
        return self.layout.display != "none"

    def ask(self, question: str, action: Callable[[], None], confirm: str = "Confirm") -> None:
        """Show ``question`` (plain text); ``action()`` runs on Confirm."""
        with self.hold_sync():
            self.question.value = f"<b>{esc(question)}</b>"
            self.confirm.description = confirm
            self._action = action
            self.layout.display = None

    def accept(self) -> None:
        """Run the pending action and hide."""
        action = self._action
        self.dismiss()
        if action is not None:
            action()

    def dismiss(self) -> None:
        """Hide without running anything."""
        self._action = None
        self.layout.display = "none"
