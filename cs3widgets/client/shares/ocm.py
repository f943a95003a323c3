"""Federated (OCM / ScienceMesh) sharing between sites.

The flow: a user generates an invite token and gives it to a colleague at
another site, who accepts it (:meth:`OCM.accept_invite` with the inviting
site's domain). Both then see each other in :meth:`OCM.remote_users`. A
share with a remote user (:meth:`OCM.share`) shows up at the other site in
:meth:`OCM.received`; once accepted, its content is readable there under
``/sciencemesh/<received share id>`` (:attr:`OCMShare.path` via
:meth:`OCM.received_path`), through the site's ``ocmreceived`` storage.

Writing into a received share is limited by the server: Reva v1.29's OCM
WebDAV endpoint accepts a PUT from an Editor but refuses MOVE (it does not
translate the destination), so uploads that go through a temporary file
and a rename cannot complete there.

Where a site has OCM off, every call raises
:class:`OCMNotEnabled` (an :class:`~cs3widgets.client.errors.Unimplemented`)
saying so.
"""

from __future__ import annotations

from typing import Any

from cs3.identity.user.v1beta1 import resources_pb2 as user_res
from cs3.ocm.invite.v1beta1 import invite_api_pb2 as inv_pb
from cs3.ocm.invite.v1beta1 import resources_pb2 as inv_res
from cs3.ocm.provider.v1beta1 import provider_api_pb2 as prov_pb
from cs3.sharing.ocm.v1beta1 import ocm_api_pb2 as ocm_pb
from cs3.sharing.ocm.v1beta1 import resources_pb2 as ocm_res
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res
from google.protobuf import field_mask_pb2

from .. import convert
from ..capabilities import OCM_SERVICES, capabilities
from ..connection import Connection
from ..errors import CS3Error, NotFound, Unimplemented
from ..models import Grantee, InviteToken, OCMShare, RemoteUser
from .roles import Role, as_role, role_from_permissions, role_permissions

#: Where Reva mounts received OCM shares (the ``ocmreceived`` storage).
RECEIVED_MOUNT = "/sciencemesh"

_STATES = {
    ocm_res.SHARE_STATE_PENDING: "pending",
    ocm_res.SHARE_STATE_ACCEPTED: "accepted",
    ocm_res.SHARE_STATE_REJECTED: "declined",
}


class OCMNotEnabled(Unimplemented):
    """The site does not run the OCM services."""

    title = "Federated sharing is not enabled on this site"


class OCM:
    """Federated sharing operations of a :class:`~cs3widgets.client.CS3Client`."""

    def __init__(self, conn: Connection, *, received_mount: str = RECEIVED_MOUNT) -> None:
        self._conn = conn
        self.received_mount = received_mount.rstrip("/")

    # -- plumbing ---------------------------------------------------------
    def _call(self, method: str, req: Any, *, path: str | None = None) -> Any:
        """Call, turning "no such service" answers into :class:`OCMNotEnabled`.

        Which answers mean that is the capabilities' quirk table
        (:mod:`.capabilities`); once known, no call is sent.
        """
        caps = capabilities(self._conn)
        if caps.worth_trying(OCM_SERVICES):
            try:
                res = self._conn.call(method, req, path=path)
            except CS3Error as exc:
                if not caps.missing(OCM_SERVICES, exc):
                    raise
            else:
                caps.found(OCM_SERVICES)
                return res
        raise OCMNotEnabled(
            f"OCM (federated sharing) is not enabled on this site ({method})", path=path
        )

    def _provider(self, domain: str) -> Any:
        res = self._call("GetInfoByDomain", prov_pb.GetInfoByDomainRequest(domain=domain))
        return res.provider_info

    @staticmethod
    def _remote(u: Any) -> RemoteUser:
        return RemoteUser(
            username=u.username or u.id.opaque_id,
            display_name=u.display_name,
            mail=u.mail,
            idp=u.id.idp,
            opaque_id=u.id.opaque_id,
        )

    # -- invitations ------------------------------------------------------
    def generate_invite(self, description: str | None = None) -> InviteToken:
        """Create an invitation token to hand to a colleague at another site."""
        res = self._call(
            "GenerateInviteToken", inv_pb.GenerateInviteTokenRequest(description=description or "")
        )
        t = res.invite_token
        return InviteToken(
            token=t.token, description=t.description, expiration=convert.timestamp(t.expiration)
        )

    def accept_invite(self, token: str | InviteToken, provider_domain: str) -> None:
        """Accept an invitation generated at the site ``provider_domain``."""
        value = token.token if isinstance(token, InviteToken) else token
        self._call(
            "ForwardInvite",
            inv_pb.ForwardInviteRequest(
                invite_token=inv_res.InviteToken(token=value),
                origin_system_provider=self._provider(provider_domain),
            ),
        )

    def remote_users(self, query: str = "") -> list[RemoteUser]:
        """Users at other sites with whom an invitation was exchanged."""
        res = self._call("FindAcceptedUsers", inv_pb.FindAcceptedUsersRequest(filter=query))
        return [self._remote(u) for u in res.accepted_users]

    # -- shares I make ----------------------------------------------------
    def share(self, path: str, remote_user: RemoteUser, role: Role | str = "Viewer") -> OCMShare:
        """Share ``path`` with a user at another site (WebDAV access)."""
        role = as_role(role)
        info = self._conn.call(
            "Stat", sp_pb.StatRequest(ref=sp_res.Reference(path=path)), path=path
        ).info
        grantee = sp_res.Grantee(
            type=sp_res.GRANTEE_TYPE_USER,
            user_id=user_res.UserId(
                idp=remote_user.idp,
                opaque_id=remote_user.opaque_id,
                type=user_res.USER_TYPE_FEDERATED,
            ),
        )
        method = ocm_res.AccessMethod(
            webdav_options=ocm_res.WebDAVAccessMethod(permissions=role_permissions(role))
        )
        res = self._call(
            "CreateOCMShare",
            ocm_pb.CreateOCMShareRequest(
                resource_id=info.id,
                grantee=grantee,
                recipient_mesh_provider=self._provider(remote_user.idp),
                access_methods=[method],
            ),
            path=path,
        )
        return self._share_model(res.share)

    def _share_model(self, s: Any) -> OCMShare:
        perms = None
        for m in s.access_methods:
            if m.HasField("webdav_options"):
                perms = m.webdav_options.permissions
        uid = s.grantee.user_id
        return OCMShare(
            id=s.id.opaque_id,
            name=s.name,
            resource_id=convert.resource_id(s.resource_id),
            grantee=Grantee("federated", uid.opaque_id, idp=uid.idp, opaque_id=uid.opaque_id),
            owner=s.owner.opaque_id,
            creator=s.creator.opaque_id,
            provider=uid.idp,
            role=role_from_permissions(perms).name if perms is not None else "",
            created=convert.timestamp(s.ctime),
        )

    def list_shares(self) -> list[OCMShare]:
        """Federated shares I made."""
        res = self._call("ListOCMShares", ocm_pb.ListOCMSharesRequest())
        return [self._share_model(s) for s in res.shares]

    def remove_share(self, share_id: str) -> None:
        """Remove a federated share I made."""
        ref = ocm_res.ShareReference(id=ocm_res.ShareId(opaque_id=share_id))
        self._call("RemoveOCMShare", ocm_pb.RemoveOCMShareRequest(ref=ref))

    # -- shares I received ------------------------------------------------
    def received_path(self, received_id: str) -> str:
        """Where a received (accepted) share's content is read."""
        return f"{self.received_mount}/{received_id}"

    def _received_model(self, s: Any) -> OCMShare:
        perms = None
        for p in s.protocols:
            if p.HasField("webdav_options"):
                perms = p.webdav_options.permissions.permissions
        owner = s.owner
        return OCMShare(
            id=s.id.opaque_id,
            name=s.name,
            resource_id=None,
            grantee=None,
            owner=owner.opaque_id,
            creator=s.creator.opaque_id,
            provider=owner.idp,
            state=_STATES.get(s.state, "invalid"),
            role=role_from_permissions(perms).name if perms is not None else "",
            created=convert.timestamp(s.ctime),
        )

    def received(self) -> list[OCMShare]:
        """Federated shares made with me, with their state."""
        res = self._call("ListReceivedOCMShares", ocm_pb.ListReceivedOCMSharesRequest())
        return [self._received_model(s) for s in res.shares]

    def _set_state(self, received_id: str, state: int) -> OCMShare:
        share = ocm_res.ReceivedShare(id=ocm_res.ShareId(opaque_id=received_id), state=state)
        self._call(
            "UpdateReceivedOCMShare",
            ocm_pb.UpdateReceivedOCMShareRequest(
                share=share, update_mask=field_mask_pb2.FieldMask(paths=["state"])
            ),
        )
        for s in self.received():
            if s.id == received_id:
                return s
        raise NotFound(f"no received federated share {received_id!r}")

    def accept(self, received_id: str | OCMShare) -> OCMShare:
        """Accept a received federated share; its content becomes readable."""
        rid = received_id.id if isinstance(received_id, OCMShare) else received_id
        return self._set_state(rid, ocm_res.SHARE_STATE_ACCEPTED)

    def decline(self, received_id: str | OCMShare) -> OCMShare:
        """Decline a received federated share."""
        rid = received_id.id if isinstance(received_id, OCMShare) else received_id
        return self._set_state(rid, ocm_res.SHARE_STATE_REJECTED)

    def list_received_content(self, received_id: str | OCMShare) -> list[str]:
        """Names in a received folder share (one ``ListContainer``)."""
        rid = received_id.id if isinstance(received_id, OCMShare) else received_id
        path = self.received_path(rid)
        res = self._conn.call(
            "ListContainer", sp_pb.ListContainerRequest(ref=sp_res.Reference(path=path)), path=path
        )
        return sorted(i.path.rsplit("/", 1)[-1] for i in res.infos)


__all__ = ["OCM", "RECEIVED_MOUNT", "OCMNotEnabled"]
