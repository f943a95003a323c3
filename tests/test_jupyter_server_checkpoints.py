"""jupyter_server's test_checkpoints.py on CS3ContentsManager (see jupyter_server_upstream)."""

from __future__ import annotations

import jupyter_server_upstream as cs3

pytest_plugins = ["contents_fixtures"]

cs3.take(globals(), "test_checkpoints", "jp_server_config", "jp_argv", "cs3_root",
         "contents_dir", "contents", "contents_manager")
