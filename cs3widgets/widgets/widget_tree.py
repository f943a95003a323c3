"""Walk and close trees of widgets (children, layouts and styles included)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import ipywidgets as w


def walk(root: w.Widget) -> Iterator[w.Widget]:
    """Every widget model reachable from ``root``: children, layout, style, nested."""
    seen: set[str] = set()
    stack = [root]
    while stack:
        widget = stack.pop()
        if not isinstance(widget, w.Widget) or widget.model_id is None:
            continue
        if widget.model_id in seen:
            continue
        seen.add(widget.model_id)
        yield widget
        for name in widget.keys:
            value = getattr(widget, name, None)
            if isinstance(value, w.Widget):
                stack.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(v for v in value if isinstance(v, w.Widget))


def close_tree(widgets: Iterable[w.Widget]) -> None:
    """Close ``widgets`` and every model they hold, so replaced rows free their models."""
    for root in list(widgets):
        for widget in list(walk(root)):
            widget.close()
