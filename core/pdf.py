"""The Korean font for generated PDFs (reportlab), registered once per process.

The font is NanumGothic from Debian's ``fonts-nanum`` package (TrueType outlines, which
reportlab embeds as a subset); ``HOTLINE_PDF_FONT`` / ``HOTLINE_PDF_FONT_BOLD`` point elsewhere.
Used by the monthly M/M report and the post-mortem PDF.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT, FONT_BOLD = "HotlineKR", "HotlineKR-Bold"


def register_fonts() -> None:
    """Register the regular and bold Korean fonts (and their family) unless already done."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, setting in ((FONT, "HOTLINE_PDF_FONT"), (FONT_BOLD, "HOTLINE_PDF_FONT_BOLD")):
        path = Path(getattr(settings, setting))
        if not path.is_file():
            raise ImproperlyConfigured(
                f"{setting}={path} is missing: install Debian's fonts-nanum package."
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
