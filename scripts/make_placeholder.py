"""Write the placeholder hero photo of the sample release: a 1200x630 PNG, made with the standard library.

    python scripts/make_placeholder.py press_releases/images/placeholder-seoul-2020.png
"""

import struct
import sys
import zlib


def png(width: int, height: int, pixel) -> bytes:
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            rows.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def pixel(x: int, y: int) -> tuple[int, int, int]:
    # A dusk-blue field with a lighter band: it reads as "a photo goes here" and nothing more.
    band = 250 <= y < 380
    shade = 40 + (y * 60) // 630
    return (shade + 60, shade + 80, shade + 110) if band else (shade, shade + 10, shade + 40)


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as out:
        out.write(png(1200, 630, pixel))
