"""Requests encoded by hand, for wire shapes the installed cs3apis wheel cannot build.

The CS3 protos change shape over time without new field numbers: field 2 of
``FindUsersRequest``/``FindGroupsRequest`` was a ``filter`` string (go-cs3apis
until mid-2025, so Reva v1.29 and v3.0.1) and is a repeated ``filters``
message in newer wheels. A client holding the newest wheel must still be able
to speak the older shape to an older server; :class:`RawRequest` carries such
a request to :meth:`Connection.call <cs3widgets.client.connection.Connection.call>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RawRequest:
    """An encoded request message and the response class to decode the answer with."""

    payload: bytes
    response: Any

    def __repr__(self) -> str:
        # The payload may hold a search string; never echo it.
        return f"RawRequest({len(self.payload)} bytes)"


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def string_field(number: int, value: str) -> bytes:
    """One length-delimited string field, encoded."""
    data = value.encode()
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def bool_field(number: int, value: bool) -> bytes:
    """One bool field, encoded (nothing when false, as protobuf does)."""
    return _varint(number << 3) + b"\x01" if value else b""
