"""jupyter_server's test_api.py (the contents REST API) on CS3ContentsManager.

The server under test is pytest-jupyter's, its contents manager ours on a
fresh CS3 folder (see jupyter_server_upstream).
"""

from __future__ import annotations

import jupyter_server_upstream as cs3

pytest_plugins = ["contents_fixtures"]

cs3.take(globals(), "test_api", "jp_server_config", "jp_argv", "cs3_root", "contents_dir",
         "contents", "folders", "_check_created")
