"""Jupyter's contents API on CS3: notebooks opened and saved on CS3 storage.

``c.ServerApp.contents_manager_class = "cs3widgets.contents.CS3ContentsManager"``
makes JupyterLab and Notebook 7 open and save straight from CS3; checkpoints
are CS3 file versions and a notebook open for editing holds a CS3 lock.
Needs ``jupyter_server`` (the ``jupyter`` extra).
"""

from .checkpoints import CS3Checkpoints
from .manager import CS3ContentsManager

__all__ = ["CS3Checkpoints", "CS3ContentsManager"]
