"""Share links: plain addresses that hand a release's title and permalink to an email program or a
network's own share page. Nothing of the networks is on the release page (no script, image,
button or frame), so no request leaves for them until a reader follows one of these links.

Each query is made with ``urllib.parse.urlencode``; ``mailto:`` takes ``%20`` for a space
(RFC 6068), every network's page accepts it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True, slots=True)
class ShareLink:
    key: str
    """``email``, or the network (``x``, ``facebook``...): the interface string of ``email`` is
    ``newsroom.share.email``; networks go by their own names."""
    name: str
    url: str


def _query(**fields: str) -> str:
    return urlencode(fields, quote_via=quote)


def share_links(permalink: str, title: str) -> tuple[ShareLink, ...]:
    """The links sharing the release at ``permalink`` (an absolute URL), titled ``title``."""
    text = f"{title} {permalink}"
    return (
        ShareLink("email", "Email", "mailto:?" + _query(subject=title, body=f"{title}\n{permalink}")),
        ShareLink("x", "X (Twitter)", "https://twitter.com/intent/tweet?" + _query(text=title, url=permalink)),
        ShareLink("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + _query(u=permalink)),
        ShareLink("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=permalink)),
        ShareLink("whatsapp", "WhatsApp", "https://wa.me/?" + _query(text=text)),
        ShareLink("telegram", "Telegram", "https://t.me/share/url?" + _query(url=permalink, text=title)),
        ShareLink("bluesky", "Bluesky", "https://bsky.app/intent/compose?" + _query(text=text)),
    )
