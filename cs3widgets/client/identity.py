"""Who am I, and who else is there: users, groups and quota."""

from __future__ import annotations

from typing import Any

from cs3.gateway.v1beta1 import gateway_api_pb2 as gw_pb
from cs3.identity.group.v1beta1 import group_api_pb2 as group_pb
from cs3.identity.group.v1beta1 import resources_pb2 as group_res
from cs3.identity.user.v1beta1 import resources_pb2 as user_res
from cs3.identity.user.v1beta1 import user_api_pb2 as user_pb
from cs3.storage.provider.v1beta1 import provider_api_pb2 as sp_pb
from cs3.storage.provider.v1beta1 import resources_pb2 as sp_res

from . import convert
from .cache import client_cache
from .connection import Connection
from .errors import CS3Error, NotFound
from .models import Group, Quota, User
from .wire import RawRequest, bool_field, string_field


def _find_request(message_cls: Any, query: str, **extra: bool) -> Any:
    """Build a Find{Users,Groups}Request in the shape of the installed wheel.

    Older protos (the ones Reva v1.29 and v3.0.1 speak) carry a ``filter``
    string; newer ones a repeated ``filters`` message in the same field number.
    """
    fields = message_cls.DESCRIPTOR.fields_by_name
    if "filter" in fields:
        return message_cls(filter=query, **extra)
    filter_cls = fields["filters"].message_type._concrete_class
    return message_cls(
        filters=[filter_cls(type=filter_cls.Type.Value("TYPE_QUERY"), query=query)], **extra
    )


def _legacy_find_request(query: str, skip: bool, response: type) -> RawRequest:
    """The older shape (``filter`` string in field 2, the skip flag in field 3), by hand."""
    return RawRequest(string_field(2, query) + bool_field(3, skip), response)


class Identity:
    """Identity operations of a :class:`~cs3widgets.client.CS3Client`."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # Whether the server reads field 2 of Find* requests as the newer
        # ``filters`` messages; None until a search has told (see _find).
        self._server_filters: bool | None = None
        # Shared by every Identity, Files, Shares ... of this connection.
        self._cache = client_cache(conn)

    def whoami(self, *, refresh: bool = False) -> User:
        """The authenticated user (asked once per client; ``refresh`` asks again)."""
        if refresh:
            self._cache.forget_identity()

        def fetch() -> User:
            res = self._conn.call(
                "WhoAmI", lambda: gw_pb.WhoAmIRequest(token=self._conn.token())
            )
            return convert.user(res.user)

        me = self._cache.me(fetch)
        self._cache.remember_users([me])
        return me

    def get_user(self, username: str) -> User:
        """Look a user up by username (exact)."""
        for u in self.find_users(username):
            if u.username == username:
                return u
        raise NotFound(f"no user named {username!r}")

    def get_user_by_id(self, idp: str, opaque_id: str) -> User:
        """Look a user up by id (once per client; raises NotFound if there is none)."""
        user = self.user_by_id(idp, opaque_id)
        if user is None:
            raise NotFound(f"no user with id {opaque_id!r}")
        return user

    def user_by_id(self, idp: str, opaque_id: str) -> User | None:
        """A user by id, or None if the server knows none; cached per client.

        Every widget row naming a user (grantees, owners, lock holders)
        comes here, so a user costs one GetUser per client, not per row.
        """
        if not opaque_id:
            return None

        def fetch() -> User | None:
            try:
                res = self._conn.call(
                    "GetUser",
                    user_pb.GetUserRequest(
                        user_id=user_res.UserId(idp=idp, opaque_id=opaque_id),
                        skip_fetching_user_groups=True,
                    ),
                )
            except NotFound:
                return None
            return convert.user(res.user)

        return self._cache.user(idp, opaque_id, fetch)

    def group_by_id(self, idp: str, opaque_id: str) -> Group | None:
        """A group by id (GetGroup), or None if the server knows none; cached per client.

        Shares name their group grantees by id (Reva's json and LDAP
        providers use the group name as id); this gives the display name,
        one call per group per client.
        """
        if not opaque_id:
            return None

        def fetch() -> Group | None:
            try:
                res = self._conn.call(
                    "GetGroup",
                    group_pb.GetGroupRequest(
                        group_id=group_res.GroupId(idp=idp, opaque_id=opaque_id),
                        skip_fetching_members=True,
                    ),
                )
            except CS3Error:
                return None  # a name is a nicety: the id shows instead
            return convert.group(res.group)

        return self._cache.group(idp, opaque_id, fetch)

    def find_users(self, query: str) -> list[User]:
        """Users whose username, display name or mail contains ``query``."""
        res = self._find("FindUsers", user_pb.FindUsersRequest, user_pb.FindUsersResponse, query)
        found = [convert.user(u) for u in res.users] if res else []
        self._cache.remember_users(found)
        return found

    def find_groups(self, query: str) -> list[Group]:
        """Groups whose name, display name or mail contains ``query``."""
        res = self._find(
            "FindGroups", group_pb.FindGroupsRequest, group_pb.FindGroupsResponse, query
        )
        return [convert.group(g) for g in res.groups] if res else []

    def _find(self, method: str, request_cls: Any, response_cls: Any, query: str) -> Any:
        """Search in the shape the server reads, whatever wheel is installed.

        A wheel with the older ``filter`` string sends that. A newer wheel
        does not know which shape the server speaks: an older server reads
        the ``filters`` message as a garbled search string and finds nothing.
        So the first search of a client also asks, in the newer shape, for
        the user's own username, which every server finds; no answer means
        the server reads the older shape, which is then encoded by hand.
        """
        query = query.strip()
        if not query:
            return None
        skip = {"FindUsers": "skip_fetching_user_groups"}.get(method, "skip_fetching_members")
        if "filter" in request_cls.DESCRIPTOR.fields_by_name:
            return self._conn.call(method, _find_request(request_cls, query, **{skip: True}))
        if self._server_filters is None:
            me = self.whoami().username
            probe = _find_request(user_pb.FindUsersRequest, me, skip_fetching_user_groups=True)
            found = self._conn.call("FindUsers", probe).users
            self._server_filters = any(u.username == me for u in found)
        if self._server_filters:
            return self._conn.call(method, _find_request(request_cls, query, **{skip: True}))
        return self._conn.call(method, _legacy_find_request(query, True, response_cls))

    def groups(self, user: User | None = None) -> list[str]:
        """Group names of ``user`` (default: the authenticated user)."""
        user = user or self.whoami()
        if user.groups:
            return list(user.groups)
        res = self._conn.call(
            "GetUserGroups",
            user_pb.GetUserGroupsRequest(
                user_id=user_res.UserId(idp=user.idp, opaque_id=user.opaque_id)
            ),
        )
        return list(res.groups)

    def home(self) -> str:
        """The path of the user's home folder (asked once per client)."""
        return self._cache.home(lambda: self._conn.call("GetHome", sp_pb.GetHomeRequest()).path)

    def quota(self, path: str | None = None) -> Quota:
        """Used and total bytes of the storage holding ``path`` (default: home)."""
        path = path or self.home()
        res = self._conn.call(
            "GetQuota", gw_pb.GetQuotaRequest(ref=sp_res.Reference(path=path)), path=path
        )
        return Quota(used=int(res.used_bytes), total=int(res.total_bytes))
