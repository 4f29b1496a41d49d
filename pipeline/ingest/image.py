"""Images (PNG, JPEG, single- and multi-page TIFF) -> OCR, refusing decompression bombs."""
from __future__ import annotations

import io
import logging
import warnings

from pipeline.ingest.ocr import DEFAULT_DPI, ocr_image
from pipeline.model import CorruptFile, Page, TooLarge

log = logging.getLogger(__name__)

MAX_PIXELS = 120_000_000  # ~ A0 at 300 dpi; larger images are refused before decoding
MAX_FRAMES = 500


MIN_PLAUSIBLE_DPI = 100  # PNGs often claim 72 dpi; a scan of a page is never that coarse


def _image_dpi(img) -> int:
    declared = img.info.get("dpi")
    value = int(round(float(declared[0]))) if declared else 0
    return value if value >= MIN_PLAUSIBLE_DPI else DEFAULT_DPI


def ingest_image(data: bytes, name: str, dpi: int | None = None) -> tuple[list[Page], dict]:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise TooLarge(f"{name}: image of {w}x{h} pixels (limit {MAX_PIXELS})")
            frames = getattr(img, "n_frames", 1)
            if frames > MAX_FRAMES:
                raise TooLarge(f"{name}: {frames} frames")
            pages = []
            for i in range(frames):
                img.seek(i)
                fw, fh = img.size
                if fw * fh > MAX_PIXELS:
                    raise TooLarge(f"{name}: frame {i + 1} of {fw}x{fh} pixels")
                frame_dpi = dpi or _image_dpi(img)
                img.load()
                pages.append(ocr_image(img.copy(), i + 1, dpi=frame_dpi))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise TooLarge(f"{name}: decompression bomb: {e}") from e
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise CorruptFile(f"{name}: unreadable image: {e}") from e
    return pages, {"page_count": len(pages)}
