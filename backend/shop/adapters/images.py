"""Evidence photos re-encoded with Pillow: whatever was uploaded, what is stored is a fresh image
of our own making — no EXIF/GPS, no trailing HTML or script, no decompression bomb."""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000  # a 50-megapixel phone photo is 8000 × 6000 = 48 M; still plenty for evidence
MAX_SIDE = 4096          # larger photos are scaled down: staff need to see the damage, not print it


class NotAnImage(ValueError):
    pass


def reencode(data: bytes) -> tuple[bytes, str]:
    """The image in `data` drawn again as JPEG (photos) or PNG (the rest); returns (bytes, extension)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise NotAnImage(image.format)
                if image.width * image.height > MAX_PIXELS:
                    raise NotAnImage("too many pixels")
                image.load()
                drawn = ImageOps.exif_transpose(image)  # keep the photo upright once the EXIF is gone
                drawn.thumbnail((MAX_SIDE, MAX_SIDE))
                is_photo = image.format == "JPEG"
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError) as exc:
        raise NotAnImage(str(exc)) from exc
    out = io.BytesIO()
    if is_photo:
        drawn.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
        return out.getvalue(), ".jpg"
    if drawn.mode not in ("RGB", "RGBA", "L", "LA"):
        drawn = drawn.convert("RGBA")
    drawn.save(out, format="PNG", optimize=True)
    return out.getvalue(), ".png"
