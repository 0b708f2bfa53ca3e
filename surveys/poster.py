"""The printable A4 QR poster for a unit's (or one service's) public survey link."""

import segno
from django.template.loader import render_to_string
from django.utils import translation


def qr_svg(url: str, *, scale: int = 4, error: str = "m") -> str:
    """An inline <svg> QR code for a link (staff screens and the poster)."""
    return segno.make(url, error=error).svg_inline(scale=scale, border=2, dark="#000", light="#fff")


def poster_pdf(*, unit, url: str, service=None) -> bytes:
    # Imported here so the app runs on a machine without Pango; only the poster needs it.
    from weasyprint import HTML

    with translation.override("id"):
        html = render_to_string("surveys/poster.html", {
            "unit": unit, "service": service, "url": url,
            "qr": segno.make(url, error="h").svg_data_uri(scale=10, border=0),
        })
    return HTML(string=html).write_pdf()
