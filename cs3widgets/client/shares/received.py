"""Shares made with me (or my groups): list, look up, accept, decline, hide.

Server notes (Reva v1.29, checked against a live revad):

- :meth:`Shares.received <cs3widgets.client.shares.Shares.received>`
  (``ListReceivedShares``) lists the shares made
  with me and with my groups, in every state; :meth:`Shares.get_received
  <cs3widgets.client.shares.Shares.get_received>`
  (``GetReceivedShare``) looks one up by id. Naming each share costs one
  ``Stat`` per resource (cached per client): the listing carries ids only.
- The json share manager's ``UpdateReceivedShare`` supports only the
  ``state`` field (not ``hidden`` nor ``mount_point``). Those calls raise
  :class:`~cs3widgets.client.errors.Unimplemented` with a clear message
  rather than pretending to succeed.
- Reva v1.29 mounts an accepted share as a reference ``<home>/MyShares/<name>``
  and follows it; Reva v3 still may create the mount but no longer follows
  references, so that path cannot be listed or read there. The resource's
  own path (``/users/<owner>/...``, reached by its id) works on both lines,
  so :attr:`ReceivedShare.path` is that path: the recipient reads and writes
  through it as far as the share's role allows (the storage refuses the rest
  with ``PERMISSION_DENIED``), and nothing depends on the server's mounts.
"""

from __future__ import annotations

import posixpath
from typing import Any

from cs3.rpc.v1beta1 import code_pb2
from cs3.sharing.collaboration.v1beta1 import collaboration_api_pb2 as co_pb
from cs3.sharing.collaboration.v1beta1 import resources_pb2 as co_res
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from google.protobuf import field_mask_pb2

from ..errors import CS3Error, NotFound, ServerError, Unimplemented
from ..models import ReceivedShare, Share
from .share_models import ShareModels

_STATES = {
    co_res.SHARE_STATE_PENDING: "pending",
    co_res.SHARE_STATE_ACCEPTED: "accepted",
    co_res.SHARE_STATE_REJECTED: "declined",
    co_res.SHARE_STATE_INVALID: "invalid",
}


class SharesReceivedOps(ShareModels):
    """Shares I received; part of :class:`~.shares.Shares`."""

    def _received_model(self, rs: Any, names: bool = True) -> ReceivedShare:
        try:
            source = self._path_of(rs.share.resource_id)
        except CS3Error:
            # The name is not essential to list a share.
            source = ""
        share = self._share_model(rs.share, source, names)
        name = posixpath.basename(source.rstrip("/"))
        state = _STATES.get(rs.state, "invalid")
        # Where the recipient reaches it: the resource's own path, on every
        # server line (see the module docstring), once accepted.
        path = source if state == "accepted" else ""
        mount = rs.mount_point.path if rs.HasField("mount_point") else ""
        return ReceivedShare(
            share=share, state=state, mount_point=mount, hidden=rs.hidden, name=name, path=path
        )

    def received(self, state: str | None = None, *, names: bool = True
                 ) -> list[ReceivedShare]:
        """Shares made with me (or my groups), with their state.

        ``state`` ("pending", "accepted", "declined") filters the list.
        ``ReceivedShare.path`` is where an accepted share can be read and
        written: the resource in its owner's storage (``/users/<owner>/...``),
        also ``share.path``. Costs one
        ``ListReceivedShares`` plus one ``Stat`` per resource not seen before.
        """
        res = self._conn.call("ListReceivedShares", co_pb.ListReceivedSharesRequest())
        out = [self._received_model(rs, names) for rs in res.shares]
        return [r for r in out if state is None or r.state == state]

    def get_received(self, share_id: str | Share) -> ReceivedShare:
        """One share made with me, by id, with its state."""
        try:
            res = self._conn.call(
                "GetReceivedShare", co_pb.GetReceivedShareRequest(ref=self._ref(share_id))
            )
        except ServerError as exc:
            if exc.code != code_pb2.CODE_INTERNAL:
                raise
            # Reva v1 wraps its share managers' "not found" (the only way
            # their lookup fails) as INTERNAL.
            raise NotFound("no such received share (removed, or not shared with you)") from None
        return self._received_model(res.share)

    def _update_received(self, share_id: str | Share, rs: Any, mask: list[str]) -> ReceivedShare:
        sid = share_id.id if isinstance(share_id, Share) else share_id
        rs.share.id.opaque_id = sid
        try:
            res = self._conn.call(
                "UpdateReceivedShare",
                co_pb.UpdateReceivedShareRequest(
                    share=rs, update_mask=field_mask_pb2.FieldMask(paths=mask)
                ),
            )
        except CS3Error as err:
            if isinstance(err, ServerError) and set(mask) - {"state"}:
                # Reva v1's share managers support only "state" and say so
                # as INTERNAL; nothing was changed.
                fields = " and ".join(sorted(set(mask) - {"state"}))
                raise Unimplemented(
                    f"this server cannot change a received share's {fields}"
                ) from None
            if isinstance(err, ServerError) and rs.state == co_res.SHARE_STATE_ACCEPTED:
                raise ServerError(
                    "the server could not mount the accepted share in your "
                    f"{self.share_folder} folder ({err.message})"
                ) from None
            raise err
        return self._received_model(res.share)

    def accept(self, share_id: str | Share, mount_point: str | None = None) -> ReceivedShare:
        """Accept a received share; read and write it through ``.path``."""
        rs = co_res.ReceivedShare(state=co_res.SHARE_STATE_ACCEPTED)
        mask = ["state"]
        if mount_point:
            rs.mount_point.CopyFrom(sp_res.Reference(path=mount_point))
            mask.append("mount_point")
        return self._update_received(share_id, rs, mask)

    def decline(self, share_id: str | Share) -> ReceivedShare:
        """Decline a received share (removes its mount if it was accepted)."""
        rs = co_res.ReceivedShare(state=co_res.SHARE_STATE_REJECTED)
        try:
            return self._update_received(share_id, rs, ["state"])
        except ServerError:
            # Reva stores the state first, then removes the mount; the mount
            # removal fails when there is none the gateway can reach. The
            # share is declined all the same: check and report that.
            got = self.get_received(share_id)
            if got.state != "declined":
                raise
            return got

    def hide(self, share_id: str | Share, hidden: bool = True) -> ReceivedShare:
        """Hide (or unhide) a received share in listings."""
        rs = co_res.ReceivedShare(hidden=hidden)
        return self._update_received(share_id, rs, ["hidden"])


__all__ = ["SharesReceivedOps"]
