"""The ShareDialog's federated section between two live OCM sites."""

from __future__ import annotations

from cs3widgets.client import BasicAuth, CS3Client
from cs3widgets.devserver import RevadServer
from cs3widgets.widgets import ShareDialog


def test_share_with_a_remote_user(
    ocm_sites: tuple[RevadServer, RevadServer], unique: str
) -> None:
    sa, sb = ocm_sites
    with CS3Client(sa.gateway, BasicAuth("einstein", "relativity")) as einstein, \
            CS3Client(sb.gateway, BasicAuth("marie", "radioactivity")) as marie:
        marie.ocm.accept_invite(einstein.ocm.generate_invite("for marie"), sa.site.domain)
        folder = f"/home/{unique}"
        einstein.files.mkdir(folder)

        d = ShareDialog(folder, client=einstein, threaded=False)
        assert not d.banner.is_error, d.banner.message
        assert d.ocm_enabled is True and d.ocm_section.layout.display is None
        labels = [label for label, _ in d.remote_users.options]
        assert any("Marie Curie" in label and sb.site.domain in label for label in labels)
        d.remote_users.value = next(v for label, v in d.remote_users.options if "Marie" in label)
        d.ocm_role.value = "Viewer"
        d.ocm_button.click()
        assert not d.banner.is_error, d.banner.message

        mine = [s for s in einstein.ocm.list_shares() if s.name == unique]
        assert len(mine) == 1 and mine[0].role == "Viewer"
        assert len(d.ocm_list.children) == 1 and "Viewer" in d.ocm_list.children[0].value
        received = [r for r in marie.ocm.received() if r.name == unique]
        assert len(received) == 1 and received[0].state == "pending"
