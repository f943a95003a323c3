"""Jupyter widgets over the CS3 service layer (core ipywidgets only).

``Browser``, ``ShareDialog``, ``InfoPanel``, ``AccountPanel``, ``FileChooser``
and the composed ``CS3App``. They hold no gRPC code: everything goes through
:class:`~cs3widgets.client.CS3Client`.
"""

from .app import CS3App
from .browser import Browser
from .chooser import FileChooser
from .panels.account import AccountPanel
from .panels.info import InfoPanel
from .sharing.dialog import ShareDialog

__all__ = ["AccountPanel", "Browser", "CS3App", "FileChooser", "InfoPanel", "ShareDialog"]
