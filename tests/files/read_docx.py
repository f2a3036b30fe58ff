#!/usr/bin/env python3
"""Reads a .docx with python-docx (Debian package python3-docx) and prints what it finds as JSON.

An independent reader for tests/files/document_test.cpp: the C++ test writes a document with
fazhi's own writer and compares its text, tables, styles and fonts with what this prints. Nothing
here knows how fazhi writes the file; it only uses python-docx's public API, plus lxml (which
python-docx is built on) for the three things python-docx does not expose: the document grid, the
font table's fallback names and frame/border properties.

    python3 tests/files/read_docx.py FILE.docx

Output: {"core": {...}, "section": {...}, "fonts": [...], "styles": {name: {...}}, "body": [...]}
where body lists paragraphs and tables in document order.
"""
import json
import sys

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree


def east_asia_font(style):
    rpr = style.element.rPr
    if rpr is None or rpr.rFonts is None:
        return None
    return rpr.rFonts.get(qn("w:eastAsia"))


def style_info(style):
    """The style's own values, each taken from the nearest style in its basedOn chain."""
    chain = []
    s = style
    while s is not None:
        chain.append(s)
        s = getattr(s, "base_style", None)

    def first(getter):
        for st in chain:
            try:
                v = getter(st)
            except AttributeError:
                v = None
            if v is not None:
                return v
        return None

    def color(st):
        c = st.font.color
        return str(c.rgb) if c is not None and c.type is not None else None

    def alignment(st):
        pf = getattr(st, "paragraph_format", None)
        return str(pf.alignment) if pf is not None and pf.alignment is not None else None

    return {
        "id": style.style_id,
        "type": str(style.type),
        "base": style.base_style.name if getattr(style, "base_style", None) is not None else None,
        "font": first(lambda st: st.font.name),
        "east_asia_font": first(east_asia_font),
        "size_pt": first(lambda st: st.font.size.pt if st.font.size is not None else None),
        "bold": first(lambda st: st.font.bold),
        "color": first(color),
        "alignment": first(alignment),
    }


def use(used, style):
    if style is not None:
        used[style.style_id] = style


def borders(p_element):
    ppr = p_element.pPr
    out = {}
    if ppr is None:
        return out
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        return out
    for side in pbdr:
        out[etree.QName(side).localname] = {"sz": side.get(qn("w:sz")), "color": side.get(qn("w:color"))}
    return out


def paragraph_json(p, used):
    use(used, p.style)
    pf = p.paragraph_format
    runs = []
    for r in p.runs:
        if r.style is not None:
            use(used, r.style)
        runs.append({
            "text": r.text,
            "bold": r.bold,
            "style": r.style.name if r.style is not None else None,
            "size_pt": r.font.size.pt if r.font.size is not None else None,
        })
    ppr = p._p.pPr
    return {
        "kind": "paragraph",
        "style": p.style.name,
        "text": p.text,
        "alignment": str(p.alignment) if p.alignment is not None else None,
        "page_break_before": bool(pf.page_break_before),
        "frame": ppr is not None and ppr.find(qn("w:framePr")) is not None,
        "borders": borders(p._p),
        "right_indent_pt": pf.right_indent.pt if pf.right_indent is not None else None,
        "first_line_indent_pt": pf.first_line_indent.pt if pf.first_line_indent is not None else None,
        "runs": runs,
    }


def table_json(t, used):
    if t.style is not None:
        use(used, t.style)
    rows = []
    alignments = []
    header_rows = 0
    for i, row in enumerate(t.rows):
        trpr = row._tr.trPr
        if trpr is not None and trpr.find(qn("w:tblHeader")) is not None and header_rows == i:
            header_rows += 1
        rows.append([c.text for c in row.cells])
        alignments.append([str(c.paragraphs[0].alignment) if c.paragraphs[0].alignment is not None else None
                           for c in row.cells])
        for c in row.cells:
            for cp in c.paragraphs:
                use(used, cp.style)
    grid = t._tbl.tblGrid
    return {
        "kind": "table",
        "style": t.style.name if t.style is not None else None,
        "column_twips": [int(col.get(qn("w:w"))) for col in grid.findall(qn("w:gridCol"))],
        "header_rows": header_rows,
        "rows": rows,
        "alignments": alignments,
        "cell_styles": sorted({cp.style.name for row in t.rows for c in row.cells for cp in c.paragraphs}),
    }


def footer_text(footer):
    if footer is None or footer.is_linked_to_previous:
        return None
    return "".join(t.text or "" for t in footer._element.iter(qn("w:t")))


def section_json(doc):
    s = doc.sections[0]
    grid = s._sectPr.find(qn("w:docGrid"))
    footer_ps = s.footer.paragraphs if not s.footer.is_linked_to_previous else []
    even_ps = s.even_page_footer.paragraphs if not s.even_page_footer.is_linked_to_previous else []
    return {
        "page_width_mm": round(s.page_width.mm, 1),
        "page_height_mm": round(s.page_height.mm, 1),
        "margins_mm": {
            "top": round(s.top_margin.mm, 1),
            "bottom": round(s.bottom_margin.mm, 1),
            "left": round(s.left_margin.mm, 1),
            "right": round(s.right_margin.mm, 1),
        },
        "doc_grid": None if grid is None else {
            "type": grid.get(qn("w:type")),
            "line_pitch": int(grid.get(qn("w:linePitch"))),
            "char_space": int(grid.get(qn("w:charSpace"))) if grid.get(qn("w:charSpace")) is not None else None,
        },
        "odd_and_even_footers": bool(doc.settings.odd_and_even_pages_header_footer),
        "footer": footer_text(s.footer),
        "even_footer": footer_text(s.even_page_footer),
        "footer_alignment": str(footer_ps[0].alignment) if footer_ps else None,
        "even_footer_alignment": str(even_ps[0].alignment) if even_ps else None,
    }


def fonts_json(doc):
    for part in doc.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            root = etree.fromstring(part.blob)
            out = []
            for f in root.findall(qn("w:font")):
                alt = f.find(qn("w:altName"))
                out.append({"name": f.get(qn("w:name")), "alt_name": alt.get(qn("w:val")) if alt is not None else None})
            return out
    return []


def main(path):
    doc = docx.Document(path)
    used = {}
    body = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            body.append(paragraph_json(Paragraph(child, doc), used))
        elif child.tag == qn("w:tbl"):
            body.append(table_json(Table(child, doc), used))
    cp = doc.core_properties
    out = {
        "core": {
            "title": cp.title,
            "creator": cp.author,
            "created": cp.created.strftime("%Y-%m-%dT%H:%M:%SZ") if cp.created else None,
        },
        "section": section_json(doc),
        "fonts": fonts_json(doc),
        "styles": {s.name: style_info(s) for s in used.values()},
        "body": body,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: read_docx.py FILE.docx\n")
        sys.exit(2)
    main(sys.argv[1])
