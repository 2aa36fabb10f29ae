"""PDF building blocks: signature stamps, certificate page, request marker."""

import io
import re

import qrcode
from PyPDF2 import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

UUID_MARKER = "ESIGNREQUEST"
UUID_RE = re.compile(rb"ESIGNREQUEST([0-9a-f]{32})")


def extract_request_uuids(pdf_bytes):
    """Every signature request key written in a PDF, even a damaged one (plain byte search).

    The signed PDF holds the marker twice: one changed byte spoils one copy, not both.
    """
    keys = []
    for match in UUID_RE.finditer(pdf_bytes or b""):
        key = match.group(1).decode()
        if key not in keys:
            keys.append(key)
    return keys


def extract_request_uuid(pdf_bytes):
    """The first signature request key found in a PDF, or ``False``."""
    keys = extract_request_uuids(pdf_bytes)
    return keys[0] if keys else False


def _stamp_overlay(width, height, stamps):
    """One-page PDF of ``width`` x ``height`` points with the signature boxes drawn on it."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    for stamp in stamps:
        box_w = stamp["width"] * width
        box_h = stamp["height"] * height
        left = stamp["x"] * width
        bottom = height - stamp["y"] * height - box_h
        pdf.setStrokeColor(colors.HexColor("#1f4e79"))
        pdf.setLineWidth(0.6)
        pdf.roundRect(left, bottom, box_w, box_h, 3, stroke=1, fill=0)
        text_h = 3 * 7.5
        if stamp.get("image"):
            image = ImageReader(io.BytesIO(stamp["image"]))
            pdf.drawImage(
                image,
                left + 2,
                bottom + text_h + 2,
                width=box_w - 4,
                height=max(box_h - text_h - 4, 4),
                preserveAspectRatio=True,
                anchor="c",
                mask="auto",
            )
        pdf.setFillColor(colors.HexColor("#1f4e79"))
        pdf.setFont("Helvetica", 6.5)
        for index, line in enumerate(stamp.get("lines", [])[:3]):
            pdf.drawString(left + 3, bottom + text_h - 6 - index * 7.5, line[:90])
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def build_signed_pdf(original, stamps, certificate, request_uuid):
    """Return the final PDF: ``original`` with ``stamps`` drawn and ``certificate`` appended.

    :param bytes original: the PDF that was signed
    :param list stamps: dicts with ``page`` (1-based, 0 or out of range: last page), ``x``,
        ``y``, ``width``, ``height`` (fractions of the page, from the top left), ``image``
        (PNG bytes) and ``lines`` (texts under the image)
    :param bytes certificate: PDF pages to append
    :param str request_uuid: written twice in the metadata, to find the request back even
        when one copy is damaged
    """
    reader = PdfReader(io.BytesIO(original))
    writer = PdfWriter()
    page_count = len(reader.pages)
    by_page = {}
    for stamp in stamps:
        number = stamp.get("page") or page_count
        number = page_count if number < 1 or number > page_count else number
        by_page.setdefault(number - 1, []).append(stamp)
    for index, page in enumerate(reader.pages):
        if index in by_page:
            width = float(page.mediabox.width)
            height = float(page.mediabox.height)
            overlay = PdfReader(io.BytesIO(_stamp_overlay(width, height, by_page[index])))
            page.merge_page(overlay.pages[0])
        writer.add_page(page)
    for page in PdfReader(io.BytesIO(certificate)).pages:
        writer.add_page(page)
    writer.add_metadata(
        {
            "/Producer": "Odoo esign",
            "/EsignRequest": f"{UUID_MARKER}{request_uuid}",
            "/EsignRequestCopy": f"{UUID_MARKER}{request_uuid}",
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _qr_png(url):
    image = qrcode.make(url, box_size=4, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build_certificate_pdf(data):
    """Certificate of signature pages (reportlab).

    :param dict data: ``title``, ``labels`` (dict of translated labels), ``rows`` (list of
        (label, value)), ``signers`` (list of lists of (label, value)), ``events`` (list of
        strings), ``verify_url``, ``request_uuid``
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    margin = 18 * mm
    state = {"y": height - margin}

    def new_page():
        pdf.showPage()
        state["y"] = height - margin

    def line(text, font="Helvetica", size=8.5, indent=0, gap=11):
        if state["y"] < margin + gap:
            new_page()
        pdf.setFont(font, size)
        pdf.drawString(margin + indent, state["y"], text[:120])
        state["y"] -= gap

    pdf.setTitle(data["title"])
    pdf.drawImage(
        ImageReader(io.BytesIO(_qr_png(data["verify_url"]))),
        width - margin - 32 * mm,
        height - margin - 30 * mm,
        width=30 * mm,
        height=30 * mm,
    )
    line(data["title"], "Helvetica-Bold", 15, gap=20)
    for label, value in data["rows"]:
        line(f"{label}: {value}")
    line("", gap=8)
    for signer_rows in data["signers"]:
        first = True
        for label, value in signer_rows:
            line(
                f"{label}: {value}",
                "Helvetica-Bold" if first else "Helvetica",
                indent=6,
            )
            first = False
        line("", gap=6)
    line(data["labels"]["events"], "Helvetica-Bold", 10, gap=14)
    for event in data["events"]:
        line(event, size=7.5, indent=6, gap=9.5)
    line("", gap=8)
    line(data["labels"]["verify"], size=8)
    line(data["verify_url"], "Courier", 8)
    line(f"{UUID_MARKER}{data['request_uuid']}", "Courier", 6.5)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
