"""jupyter_server's test_manager.py on CS3ContentsManager (see jupyter_server_upstream).

Its helpers that make folders with ``os.makedirs`` make them on CS3.
"""

from __future__ import annotations

import jupyter_server_upstream as cs3

pytest_plugins = ["contents_fixtures"]

upstream = cs3.take(globals(), "test_manager", "jp_contents_manager",
                    "jp_file_contents_manager_class", "file_manager_with_notary")
upstream._make_dir = cs3.make_dir  # type: ignore[attr-defined]
upstream._make_big_dir = cs3.make_big_dir  # type: ignore[attr-defined]
