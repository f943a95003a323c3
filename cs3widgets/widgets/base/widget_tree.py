"""Walk and close trees of widgets (children, layouts and styles included)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

import ipywidgets as w

#: Modules whose widgets may hold widgets in plain attributes (not shown yet).
_OWNERS = ("cs3widgets.", "ipyfilechooser.")


_shared: dict[Any, frozenset[int]] = {}


def _shared_defaults(cls: Any) -> frozenset[int]:
    """Widgets a class takes as default arguments: one object shared by every instance.

    ipyfilechooser's ``FileChooser(layout=Layout(width="500px"))`` is one: closing
    it with one chooser would break every chooser made after.
    """
    found = _shared.get(cls)
    if found is None:
        try:
            params = inspect.signature(cls.__init__).parameters.values()
        except (TypeError, ValueError):
            found = frozenset()
        else:
            found = frozenset(id(p.default) for p in params if isinstance(p.default, w.Widget))
        _shared[cls] = found
    return found


def _attribute_widgets(obj: Any) -> Iterator[w.Widget]:
    """Widgets kept in plain attributes of one of our widgets (lazily built, hidden)."""
    if not type(obj).__module__.startswith(_OWNERS):
        return
    for value in vars(obj).values():
        if isinstance(value, w.Widget):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (v for v in value if isinstance(v, w.Widget))
        elif isinstance(value, dict):
            yield from (v for v in value.values() if isinstance(v, w.Widget))


def walk(root: w.Widget, *, owned: bool = False) -> Iterator[w.Widget]:
    """Every widget model reachable from ``root``: children, layout, style, nested.

    With ``owned``, also the widgets our widgets keep in attributes without
    showing them (lazily built panels, spare buttons).
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        widget = stack.pop()
        if not isinstance(widget, w.Widget) or id(widget) in seen:
            continue
        seen.add(id(widget))
        if getattr(widget, "comm", None) is None and not owned:
            continue  # closed already
        yield widget
        shared = _shared_defaults(type(widget))
        found: list[w.Widget] = []
        for name in widget.keys:
            value = getattr(widget, name, None)
            if isinstance(value, w.Widget):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                found.extend(v for v in value if isinstance(v, w.Widget))
        if owned:
            found.extend(_attribute_widgets(widget))
        stack.extend(x for x in found if id(x) not in shared)


def close_tree(widgets: Iterable[w.Widget]) -> None:
    """Close ``widgets`` and every model they hold, so replaced rows free their models."""
    for root in list(widgets):
        for widget in list(walk(root)):
            widget.close()


def close_owned(root: w.Widget) -> None:
    """Close ``root`` and every widget it made, shown or not."""
    for widget in list(walk(root, owned=True)):
        if widget is not root:
            widget.close()
    w.Widget.close(root)
