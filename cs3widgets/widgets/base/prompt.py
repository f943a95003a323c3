"""Inline prompts: ask for a name, pick a folder, or confirm a destructive action.

They sit inside the widget (no pop-ups, which core ipywidgets do not have).

What core ipywidgets 8 offer for the keyboard (read in
``packages/controls/src/widget_string.ts``), and how the prompt uses it:

- **Enter**: the ``Text`` view sends a custom message ``{"event": "submit"}``
  on every Enter key (the message behind the deprecated ``on_submit``). With
  ``continuous_update=False`` the value is sent on Enter *and on blur*, and
  only when it changed; it travels as a state update, which the front end
  may hold back behind an earlier one, while custom messages go at once. So
  the prompt submits on the Enter message, with the value that arrives right
  after it (or, when none comes because the text did not change, after
  :data:`ENTER_GRACE` seconds, a timer on the runner's loop). A value that
  comes without Enter (the user clicked elsewhere, say on Cancel) submits
  nothing.
- **Escape**: the ``Text`` view's key handler only stops the key's
  propagation; no core widget tells the kernel about Escape, and catching it
  would need custom JavaScript. Hence the visible **Cancel** button.
- **Focus**: ``DOMWidget.focus()`` (ipywidgets 8) sends ``{"do": "focus"}``;
  the prompt focuses its text box (or the folder list) when it opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from .formatting import esc
from .messages import StatusBanner

#: Seconds to wait, after Enter, for the value the front end sends behind it.
ENTER_GRACE = 0.3


class Prompt(w.VBox):
    """A hidden ``[label] [text] [OK] [Cancel]`` row shown by :meth:`ask`.

    :meth:`ask_folder` shows a folder picker instead of the text box, and
    keeps the prompt open with the error inside it when the action fails
    (:meth:`show_error`).
    """

    def __init__(self, runner: Any = None, **kwargs: Any) -> None:
        self.label = w.HTML()
        self.text = w.Text(continuous_update=False, layout=w.Layout(width="24em"))
        self.ok = w.Button(description="OK", button_style="primary", layout=w.Layout(width="auto"))
        self.cancel = w.Button(description="Cancel", tooltip="Close without doing anything "
                               "(Escape cannot be caught by core widgets)",
                               layout=w.Layout(width="auto"))
        self.row = w.HBox([self.label, self.text, self.ok, self.cancel],
                          layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.picker_slot = w.Box(layout=w.Layout(display="none"))
        self.errors = StatusBanner()
        self.errors.layout.display = "none"
        super().__init__([self.row, self.picker_slot, self.errors], **kwargs)
        self.layout.display = "none"
        self.runner = runner
        self.picker: Any = None
        self._on_ok: Callable[[str], None] | None = None
        self._entered = False
        self.ok.on_click(lambda _b: self.submit())
        self.cancel.on_click(lambda _b: self.close_prompt())
        self.text.on_msg(self._front_end_message)
        self.text.observe(self._value_arrived, names="value")

    @property
    def active(self) -> bool:
        """True while the prompt is shown."""
        return self.layout.display != "none"

    # -- asking ---------------------------------------------------------------------
    def ask(self, label: str, initial: str, on_ok: Callable[[str], None], ok: str = "OK",
            placeholder: str = "") -> None:
        """Show the prompt; ``on_ok(text)`` runs when the user confirms (Enter or OK)."""
        self._drop_picker()
        with self.hold_sync():
            self.label.value = f"<b>{esc(label)}</b>"
            self._entered = False
            self.text.value = initial
            self.text.placeholder = placeholder
            self.text.layout.display = None
            self.ok.description = ok
            self.ok.layout.display = None
            self._on_ok = on_ok
            self._hide_error()
            self.layout.display = None
        self.text.focus()

    def ask_folder(self, label: str, picker: Any, on_pick: Callable[[str], None]) -> None:
        """Show ``picker`` (a :class:`~.chooser.FileChooser` of folders).

        ``on_pick(folder)`` runs each time the user picks one; the prompt
        stays open until the caller closes it (:meth:`close_prompt`) or
        shows why it failed (:meth:`show_error`).
        """
        self._drop_picker()
        self.picker = picker
        picker.register_callback(lambda chooser: on_pick(chooser.selected_path))
        with self.hold_sync():
            self.label.value = f"<b>{esc(label)}</b>"
            self.text.layout.display = "none"
            self.ok.layout.display = "none"
            self._on_ok = None
            self._hide_error()
            self.picker_slot.children = (picker,)
            self.picker_slot.layout.display = None
            self.layout.display = None
        picker.open_dialog()

    # -- answering ------------------------------------------------------------------
    def _front_end_message(self, _widget: Any, content: dict, _buffers: Any) -> None:
        """The front end's Enter key (see the module docstring)."""
        if content.get("event") != "submit" or self._on_ok is None:
            return
        self._entered = True
        if self.runner is None:
            self.submit()
            return
        # The value (if it changed) is sent behind this message: give it a moment.
        self.runner.later(ENTER_GRACE, self._enter_grace_over, key=("prompt-enter", id(self)))

    def _value_arrived(self, _change: dict) -> None:
        if self._entered:
            self.submit()

    def _enter_grace_over(self) -> None:
        if self._entered:
            self.submit()

    def submit(self) -> None:
        """Confirm: hide the prompt and run the callback with the text."""
        self._entered = False
        if self._on_ok is None:
            return
        callback, value = self._on_ok, self.text.value
        self.close_prompt()
        callback(value)

    def show_error(self, exc: BaseException | str, doing: str = "",
                   message: str | None = None) -> None:
        """Say inside the open prompt why its action failed (the prompt stays)."""
        self.errors.error(exc, doing=doing, message=message)
        self.errors.layout.display = None

    def _hide_error(self) -> None:
        self.errors.clear()
        self.errors.layout.display = "none"

    def close_prompt(self) -> None:
        """Hide the prompt without doing anything."""
        self._on_ok = None
        self._entered = False
        with self.hold_sync():
            self._hide_error()
            self._drop_picker()
            self.layout.display = "none"

    def _drop_picker(self) -> None:
        if self.picker is not None:
            picker, self.picker = self.picker, None
            self.picker_slot.children = ()
            self.picker_slot.layout.display = "none"
            picker.close()


class Confirm(w.HBox):
    """A hidden row ``[question] [Confirm] [Cancel]``: the second step of a delete."""

    def __init__(self, **kwargs: Any) -> None:
        self.question = w.HTML()
        self.confirm = w.Button(description="Confirm", button_style="danger",
                                layout=w.Layout(width="auto"))
        self.cancel = w.Button(description="Cancel", layout=w.Layout(width="auto"))
        super().__init__([self.question, self.confirm, self.cancel],
                         layout=w.Layout(flex_flow="row wrap", align_items="center"), **kwargs)
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
        self.cancel.focus()  # the safe choice has the focus

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
