"""Render resources/icons/yonder.svg into the PNG sizes, a Windows .ico and a macOS .icns.

Run once after editing the SVG and commit the results, so a build never needs this script:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py [OUT_DIR]

It also writes yonder.svg.sha256 (``sha256sum`` format): the SVG the committed icons were made
from. A test compares it with the SVG (an edited SVG needs this script run again); rendered
pixels are compared with a tolerance only, since Qt's raster output differs by a few pixels
from one CPU to another.

Both containers hold PNG payloads, which Windows (Vista+) and macOS (10.7+) read directly, so
they are written here with struct instead of pulling in Pillow.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "yonder.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 32, 48, 64, 128, 256)
# icns element types holding PNG data, by pixel size. The @2x types reuse the same pixels.
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),  # 16x16@2x
    (b"ic12", 64),  # 32x32@2x
    (b"ic13", 256),  # 128x128@2x
    (b"ic14", 512),  # 256x256@2x
)


def render_pngs(svg: Path, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """PNG bytes of ``svg`` rendered at each size (square, transparent background)."""
    # Imported here so the container writers below stay usable (and testable) without Qt.
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: cannot read {svg}: not a valid SVG for Qt's renderer")
    out: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
        buffer.close()
        out[size] = bytes(data.data())
    return out


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def build_ico(pngs: list[bytes]) -> bytes:
    """An ICO container (ICONDIR + ICONDIRENTRY per image) with PNG payloads."""
    header = struct.pack("<HHH", 0, 1, len(pngs))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(pngs)
    entries = b""
    for png in pngs:
        width, height = png_size(png)
        # A width/height byte of 0 means 256.
        entries += struct.pack(
            "<BBBBHHII", width % 256, height % 256, 0, 0, 1, 32, len(png), offset
        )
        offset += len(png)
    return header + entries + b"".join(pngs)


def build_icns(elements: list[tuple[bytes, bytes]]) -> bytes:
    """An ICNS container: 'icns' + total length, then (type, length incl. header, PNG) each."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in elements)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def svg_digest(svg: Path) -> str:
    """The line make_icons records for ``svg``: its SHA-256 and name, as sha256sum prints."""
    return f"{hashlib.sha256(svg.read_bytes()).hexdigest()}  {svg.name}\n"


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else SVG.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = render_pngs(SVG, PNG_SIZES)
    for size, png in pngs.items():
        (out_dir / f"yonder-{size}.png").write_bytes(png)
    (out_dir / "yonder.ico").write_bytes(build_ico([pngs[s] for s in ICO_SIZES]))
    (out_dir / "yonder.icns").write_bytes(build_icns([(k, pngs[s]) for k, s in ICNS_TYPES]))
    (out_dir / f"{SVG.name}.sha256").write_text(svg_digest(SVG))
    print(
        f"make_icons: wrote {len(pngs)} PNGs, yonder.ico, yonder.icns and the SVG's hash into "
        f"{out_dir}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
