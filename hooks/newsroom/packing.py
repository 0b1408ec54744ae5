"""Text kept compressed in memory: what a build holds for every release from its reading to its
end but reads only a few times (a release's Markdown, its body's HTML and text). As strings they
took over 2 GB at 50,000 releases; zlib's fastest level keeps about a third of their UTF-8 size,
and unpacks one in a few dozen microseconds."""

from __future__ import annotations

import zlib


def pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1) if text else b""


def unpack(data: bytes) -> str:
    return zlib.decompress(data).decode("utf-8", "surrogatepass") if data else ""
