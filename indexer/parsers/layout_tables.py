"""Old table-layout pages: tables that are the page grid, not data.

Sites built before CSS layouts put the masthead, the menu, a side column, the article and the
footer in the cells of one big ``<table>``. Body extraction reads a table row by row, so the menu,
the side column and the story come out glued into one "paragraph". A table whose cells hold
headlines or several paragraphs is a grid; turned into plain ``<div>`` blocks, each cell is
judged on its own like any other block of the page. Data tables (figures, results) keep their
rows.
"""

from __future__ import annotations

from lxml.html import HtmlElement

_GRID_PARTS = {"table": "div", "tbody": "div", "thead": "div", "tfoot": "div", "tr": "div"}
_CELLS = ("td", "th")
_LAYOUT_ATTRIBUTES = ("width", "height", "border", "cellpadding", "cellspacing", "align",
                      "valign", "colspan", "rowspan", "bgcolor")  # fmt: skip
# A cell holding this many paragraphs is a column of text, not a table entry.
_GRID_PARAGRAPHS = 2


def _own_cells(table: HtmlElement) -> list[HtmlElement]:
    """The cells of ``table`` itself, not of tables nested inside it."""
    return [c for c in table.iter(*_CELLS) if next(c.iterancestors("table"), None) is table]


def _is_grid(table: HtmlElement) -> bool:
    for cell in _own_cells(table):
        if cell.find(".//h1") is not None or len(cell.findall(".//p")) >= _GRID_PARAGRAPHS:
            return True
    return False


def _to_blocks(table: HtmlElement) -> None:
    """Rename the table, its row groups, rows and cells (not nested tables) to ``<div>``."""
    parts = [table, *_own_cells(table)]
    parts += [
        e for e in table.iter(*_GRID_PARTS)
        if e is not table and next(e.iterancestors("table"), None) is table
    ]  # fmt: skip
    for element in parts:
        element.tag = "div"
        for name in _LAYOUT_ATTRIBUTES:
            element.attrib.pop(name, None)


def unfold_layout_tables(tree: HtmlElement) -> None:
    """Turn every layout table of ``tree`` into nested ``<div>`` blocks, in place."""
    grids = [t for t in tree.iter("table") if _is_grid(t)]
    for table in grids:
        _to_blocks(table)
