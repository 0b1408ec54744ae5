"""Share links: plain addresses that hand a release's title and permalink to an email program or a
network's own share page. Nothing of the networks is on the release page (no script, image,
button or frame), so no request leaves for them until a reader follows one of these links.

Every value in a query is percent-encoded whole (``urllib.parse.quote`` with nothing safe, as
``urlencode(quote_via=quote)`` does); ``mailto:`` takes ``%20`` for a space (RFC 6068), every
network's page accepts it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True, slots=True)
class ShareLink:
    key: str
    """``email``, or the network (``x``, ``facebook``...): the interface string of ``email`` is
    ``newsroom.share.email``; networks go by their own names."""
    name: str
    url: str


def share_links(permalink: str, title: str) -> tuple[ShareLink, ...]:
    """The links sharing the release at ``permalink`` (an absolute URL), titled ``title``."""
    # Each value is quoted once (``quote(safe="")``, as ``urlencode(quote_via=quote)`` does), not once per link;
    # quoting goes byte by byte, so the title and permalink together are their quoted forms joined.
    url, name = quote(permalink, safe=""), quote(title, safe="")
    both = f"{name}%20{url}"  # quote(f"{title} {permalink}", safe="")
    mail = f"{name}%0A{url}"  # quote(f"{title}\n{permalink}", safe="")
    return (
        ShareLink("email", "Email", f"mailto:?subject={name}&body={mail}"),
        ShareLink("x", "X (Twitter)", f"https://twitter.com/intent/tweet?text={name}&url={url}"),
        ShareLink("facebook", "Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        ShareLink("linkedin", "LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={url}"),
        ShareLink("whatsapp", "WhatsApp", f"https://wa.me/?text={both}"),
        ShareLink("telegram", "Telegram", f"https://t.me/share/url?url={url}&text={name}"),
        ShareLink("bluesky", "Bluesky", f"https://bsky.app/intent/compose?text={both}"),
    )
