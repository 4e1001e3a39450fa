"""Write the PNG app icons (a white house with a tick on blue, like icon.svg) with only the
standard library, so no image tool is needed: python3 pwa/icons/make_icons.py."""

import struct
import zlib
from pathlib import Path

BLUE = (0x1B, 0x4D, 0x89)
WHITE = (255, 255, 255)


def inside_house(x: float, y: float) -> bool:
    # Coordinates in the 512-unit space of icon.svg.
    if 220 <= y <= 420 and 96 <= x <= 416:
        return not (216 <= x <= 296 and y >= 300)  # the door gap
    if 92 <= y < 220:  # the roof: a triangle from (96,220) to (256,92) to (416,220)
        half = (y - 92) / 128 * 160
        return 256 - half <= x <= 256 + half
    return False


def on_tick(x: float, y: float) -> bool:
    def near(ax, ay, bx, by):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= 17**2

    return near(196, 236, 240, 280) or near(240, 280, 324, 188)


def pixel(x: float, y: float) -> tuple[int, int, int]:
    if inside_house(x, y) and not on_tick(x, y):
        return WHITE
    return BLUE


def png(size: int) -> bytes:
    scale = 512 / size
    rows = bytearray()
    for j in range(size):
        rows.append(0)
        for i in range(size):
            rows.extend(pixel((i + 0.5) * scale, (j + 0.5) * scale))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    here = Path(__file__).parent
    for size in (192, 512):
        (here / f"icon-{size}.png").write_bytes(png(size))
