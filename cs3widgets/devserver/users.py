"""The demo users and groups every Reva example knows (einstein, marie, richard)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DemoUser:
    """One account of the demo identity provider."""

    username: str
    password: str
    display_name: str
    mail: str
    opaque_id: str
    uid_number: int
    groups: tuple[str, ...] = field(default_factory=tuple)


DEMO_USERS: dict[str, DemoUser] = {
    u.username: u
    for u in (
        DemoUser(
            "einstein", "relativity", "Albert Einstein", "einstein@example.org",
            "4c510ada-c86b-4815-8820-42cdf82c3d51", 1001,
            ("sailing-lovers", "violin-haters", "physics-lovers"),
        ),
        DemoUser(
            "marie", "radioactivity", "Marie Curie", "marie@example.org",
            "f7fbf8c8-139b-4376-b307-cf0a8c2d0d9c", 1002,
            ("radium-lovers", "polonium-lovers", "physics-lovers"),
        ),
        DemoUser(
            "richard", "superfluidity", "Richard Feynman", "richard@example.org",
            "932b4540-8d16-481e-8ef4-588e4b6b151c", 1003,
            ("quantum-lovers", "philosophy-haters", "physics-lovers"),
        ),
    )
}

DEMO_GROUPS: dict[str, tuple[str, int]] = {
    "sailing-lovers": ("Sailing Lovers", 2001),
    "violin-haters": ("Violin Haters", 2002),
    "radium-lovers": ("Radium Lovers", 2003),
    "polonium-lovers": ("Polonium Lovers", 2004),
    "quantum-lovers": ("Quantum Lovers", 2005),
    "philosophy-haters": ("Philosophy Haters", 2006),
    "physics-lovers": ("Physics Lovers", 2007),
}


def extra_users(count: int) -> list[DemoUser]:
    """``count`` more accounts, ``user0001``... (for tests and benchmarks of many grantees).

    Their passwords are their usernames: they exist on a local test server only.
    """
    return [
        DemoUser(f"user{i:04d}", f"user{i:04d}", f"Test User {i:04d}",
                 f"user{i:04d}@example.org", str(uuid.uuid5(uuid.NAMESPACE_URL, f"cs3w-{i}")),
                 5000 + i)
        for i in range(1, count + 1)
    ]


def write_identity_files(directory: Path, idp: str, extra: int = 0) -> tuple[Path, Path]:
    """Write Reva's json users and groups files into ``directory``.

    ``extra``: that many more users (:func:`extra_users`) besides the demo's.
    """
    users = [
        {
            "id": {"opaque_id": u.opaque_id, "idp": idp, "type": 1},
            "username": u.username,
            "secret": u.password,
            "mail": u.mail,
            "mail_verified": True,
            "display_name": u.display_name,
            "groups": list(u.groups),
            "uid_number": u.uid_number,
            "gid_number": 100,
        }
        for u in [*DEMO_USERS.values(), *extra_users(extra)]
    ]
    groups = [
        {
            "id": {"opaque_id": name, "idp": idp},
            "group_name": name,
            "mail": f"{name}@example.org",
            "display_name": display,
            "gid_number": gid,
            "members": [
                {"id": {"opaque_id": u.opaque_id, "idp": idp, "type": 1}}
                for u in DEMO_USERS.values()
                if name in u.groups
            ],
        }
        for name, (display, gid) in DEMO_GROUPS.items()
    ]
    users_file = directory / "users.json"
    groups_file = directory / "groups.json"
    users_file.write_text(json.dumps(users, indent=1))
    groups_file.write_text(json.dumps(groups, indent=1))
    return users_file, groups_file
