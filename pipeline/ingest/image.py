"""Images (PNG, JPEG, single- and multi-page TIFF) -> OCR, refusing decompression bombs."""
from __future__ import annotations

import contextlib
import io
import logging
import warnings

from pipeline.ingest.ocr import DEFAULT_DPI, ocr_image
from pipeline.limits import Limits
from pipeline.model import CorruptFile, Page, TooLarge

log = logging.getLogger(__name__)


MIN_PLAUSIBLE_DPI = 100  # PNGs often claim 72 dpi; a scan of a page is never that coarse


def _image_dpi(img) -> tuple[int, int]:
    """(across, down): a fax's TIFF declares 200 x 100 (or 204 x 98); a resolution below
    MIN_PLAUSIBLE_DPI is taken as DEFAULT_DPI (a phone photo's JPEG says 72)."""
    declared = img.info.get("dpi")
    x = int(round(float(declared[0]))) if declared else 0
    y = int(round(float(declared[1]))) if declared and len(declared) > 1 else x
    if x < MIN_PLAUSIBLE_DPI:
        return DEFAULT_DPI, DEFAULT_DPI
    return x, (y if y >= MIN_PLAUSIBLE_DPI / 2 else x)


@contextlib.contextmanager
def _pil_pixel_limit(pixels: int):
    """PIL's bomb check on ``pixels`` (its default: 89.5 Mpx) while the block runs, then as it was:
    PIL keeps the figure in a module attribute, which other code in the process also meets."""
    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = pixels
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def ingest_image(data: bytes, name: str, dpi: int | None = None,
                 limits: Limits | None = None) -> tuple[list[Page], dict]:
    """OCR each frame. page_pixels is the one pixel limit: it is checked here from the header, and
    PIL's own bomb check (Image.MAX_IMAGE_PIXELS, which warns past it and refuses past twice it)
    is set to it while the image is read, so the stated and the enforced limit are the same number."""
    from PIL import Image, UnidentifiedImageError

    limits = limits or Limits.load()
    max_pixels, max_frames = limits.page_pixels, limits.image_frames
    try:
        with _pil_pixel_limit(max_pixels), warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > max_pixels:
                raise TooLarge(f"{name}: image of {w}x{h} pixels (limit page_pixels={max_pixels})")
            frames = getattr(img, "n_frames", 1)
            if frames > max_frames:
                raise TooLarge(f"{name}: {frames} frames (limit image_frames={max_frames})")
            pages = []
            for i in range(frames):
                img.seek(i)
                fw, fh = img.size
                if fw * fh > max_pixels:
                    raise TooLarge(f"{name}: frame {i + 1} of {fw}x{fh} pixels (limit page_pixels={max_pixels})")
                dpi_x, dpi_y = (dpi, dpi) if dpi else _image_dpi(img)
                img.load()
                pages.append(ocr_image(img.copy(), i + 1, dpi=dpi_x, dpi_y=dpi_y))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise TooLarge(f"{name}: decompression bomb: {e} (limit page_pixels={max_pixels})") from e
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise CorruptFile(f"{name}: unreadable image: {e}") from e
    return pages, {"page_count": len(pages)}
