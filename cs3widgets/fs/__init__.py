"""``cs3://`` for the kernel: an fsspec filesystem over the CS3 service layer.

- :mod:`.filesystem`: :class:`CS3FileSystem` (metadata, folders, transfers,
  ranged reads, pickling for Dask workers);
- :mod:`.file`: :class:`CS3File`, the file objects ``fs.open`` returns;
- :mod:`.readahead`: their read cache;
- :mod:`.errors`: service-layer errors as OS exceptions.
"""

from .file import CS3File
from .filesystem import CS3FileSystem

__all__ = ["CS3File", "CS3FileSystem"]
