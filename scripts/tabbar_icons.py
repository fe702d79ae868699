"""Draw the mini-program's tab-bar icons (81×81 PNG, WeChat's recommended size) in the tab bar's two
colours from app.json: `python scripts/tabbar_icons.py` writes miniprogram/images/tabbar/<name>[-active].png.
Drawn 4× larger and scaled down, so the edges are smooth."""
from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "miniprogram" / "images" / "tabbar"
SIZE = 81
SCALE = 4


def home(draw: ImageDraw.ImageDraw, color: str, s: float) -> None:
    """A house: roof, walls, door."""
    w = round(5 * s)
    draw.line([(12 * s, 40 * s), (40.5 * s, 14 * s), (69 * s, 40 * s)], fill=color, width=w, joint="curve")
    draw.rounded_rectangle([20 * s, 36 * s, 61 * s, 68 * s], radius=4 * s, outline=color, width=w)
    draw.rounded_rectangle([34 * s, 50 * s, 47 * s, 68 * s], radius=2 * s, fill=color)


def mine(draw: ImageDraw.ImageDraw, color: str, s: float) -> None:
    """A person: head and shoulders."""
    w = round(5 * s)
    draw.ellipse([27 * s, 12 * s, 54 * s, 39 * s], outline=color, width=w)
    draw.arc([14 * s, 44 * s, 67 * s, 97 * s], start=180, end=360, fill=color, width=w)
    draw.line([(14 * s + w / 2, 70.5 * s), (67 * s - w / 2, 70.5 * s)], fill=color, width=w)


ICONS = {"home": home, "mine": mine}


def icon(shape, color: str) -> Image.Image:
    big = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
    shape(ImageDraw.Draw(big), color, SCALE)
    return big.resize((SIZE, SIZE), Image.LANCZOS)


def main() -> None:
    tab_bar = json.loads((ROOT / "miniprogram" / "app.json").read_text(encoding="utf-8"))["tabBar"]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, shape in ICONS.items():
        icon(shape, tab_bar["color"]).save(OUT / f"{name}.png", optimize=True)
        icon(shape, tab_bar["selectedColor"]).save(OUT / f"{name}-active.png", optimize=True)
        print(f"wrote {OUT.relative_to(ROOT)}/{name}.png and {name}-active.png")


if __name__ == "__main__":
    main()
