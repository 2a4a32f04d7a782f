#!/usr/bin/env python3
"""Writes web/public/favicon.ico: a 32x32 PNG of the Switchboard mark (a white speech bubble
on the app's blue) inside an ICO container. Run again only to change the icon."""
import struct
import sys
import zlib

SIZE = 32
BLUE = (0x1D, 0x5B, 0xB8, 0xFF)
WHITE = (0xFF, 0xFF, 0xFF, 0xFF)
CLEAR = (0, 0, 0, 0)


def pixel(x: int, y: int) -> tuple:
    # A rounded blue square.
    r = 7
    cx = min(max(x, r), SIZE - 1 - r)
    cy = min(max(y, r), SIZE - 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return CLEAR
    # The bubble: a rounded box with a tail at the bottom left.
    if 7 <= x <= 24 and 8 <= y <= 20 and not ((x in (7, 24)) and (y in (8, 20))):
        return WHITE
    if 10 <= x <= 13 and 21 <= y <= 24 and x - 10 <= 24 - y:
        return WHITE
    return BLUE


def png() -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(SIZE)) for y in range(SIZE)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(image: bytes) -> bytes:
    directory = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 6 + 16)
    return directory + entry + image


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "web/public/favicon.ico"
    with open(out, "wb") as f:
        f.write(ico(png()))
