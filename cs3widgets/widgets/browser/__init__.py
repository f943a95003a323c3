"""The file Browser, one module per concern.

- :mod:`.widget`: the :class:`Browser` itself (its traits, parts and wiring);
- :mod:`.loading`, :mod:`.navigation`, :mod:`.rendering` and :mod:`.selection`:
  loading rows, moving between folders and views, showing the rows, the selection;
- :mod:`.view` and :mod:`.views`: the seam each view fills in, and the list of views;
- one module per view: :mod:`.my_files`, :mod:`.shared_with_me`,
  :mod:`.shared_by_me`, :mod:`.public_links`, :mod:`.trash`;
- :mod:`.view_actions` (the view buttons) and :mod:`.view_commands` (what they do);
- :mod:`.file_actions`: new folder, rename, move, delete;
- :mod:`.transfers` and :mod:`.transfer_panels`: uploads and downloads.
"""

from .widget import Browser, call_user_callback

__all__ = ["Browser", "call_user_callback"]
