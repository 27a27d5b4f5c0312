"""A small layered drawing of a graph as SVG, for when Graphviz's ``dot`` is not installed.

Boxes are placed in rows by their longest path from the sources (the leaves on top, the output
at the bottom, the way the forward ran), ordered within a row by the mean position of their
inputs, and joined by straight arrows labelled with the shape that flows along them. Plain
SVG 1.1: it shows in Jupyter, in a browser and in any HTML page, with no script.
"""

from __future__ import annotations

from .display import esc

__all__ = ["Box", "layered_svg"]

FILL = {"op": "#e8e8e8", "leaf": "#cfe3f7", "output": "#d6f0b8", "group": "#fbe3c2", "more": "#ffffff"}
CHAR_W, LINE_H, PAD, GAP_X, GAP_Y = 6.6, 14, 8, 24, 46


class Box:
    """One box of the drawing: ``key`` (unique), text ``lines`` and a ``kind`` (see ``FILL``)."""

    __slots__ = ("key", "lines", "kind", "row", "x", "y", "w", "h")

    def __init__(self, key, lines: list, kind: str) -> None:
        self.key, self.lines, self.kind = key, lines, kind
        self.w = max(len(t) for t in lines) * CHAR_W + 2 * PAD
        self.h = len(lines) * LINE_H + PAD
        self.row, self.x, self.y = 0, 0.0, 0.0


def _rows(boxes: dict, edges: list) -> list:
    """Rows of keys: a box sits one row below the lowest of its inputs (longest path)."""
    inputs: dict = {k: [] for k in boxes}
    for src, dst, _ in edges:
        inputs[dst].append(src)
    row: dict = {}
    for key in boxes:  # iterative longest path (boxes may come in any order)
        stack = [key]
        while stack:
            k = stack[-1]
            if k in row:
                stack.pop()
                continue
            todo = [s for s in inputs[k] if s not in row]
            if todo:
                stack.extend(todo)
                continue
            row[k] = 1 + max((row[s] for s in inputs[k]), default=-1)
            stack.pop()
    rows: list = [[] for _ in range(max(row.values(), default=0) + 1)]
    for k in boxes:
        boxes[k].row = row[k]
        rows[row[k]].append(k)
    # order each row by the mean position of its inputs in the row above (one sweep)
    pos: dict = {}
    for r in rows:
        r.sort(key=lambda k: sum(pos[s] for s in inputs[k]) / len(inputs[k]) if inputs[k] else 0.0)
        pos.update({k: i for i, k in enumerate(r)})
    return rows


def layered_svg(boxes: list, edges: list, title: str | None = None, note: str | None = None) -> str:
    """The SVG source of ``boxes`` joined by ``edges`` ``(src key, dst key, label)``."""
    by_key = {b.key: b for b in boxes}
    rows = _rows(by_key, edges)
    top = 24 if title else 6
    width = max(sum(by_key[k].w for k in r) + GAP_X * (len(r) - 1) for r in rows) + 20
    y = float(top)
    for r in rows:
        h = max(by_key[k].h for k in r)
        x = (width - (sum(by_key[k].w for k in r) + GAP_X * (len(r) - 1))) / 2
        for k in r:
            b = by_key[k]
            b.x, b.y = x, y + (h - b.h) / 2
            x += b.w + GAP_X
        y += h + GAP_Y
    height = y - GAP_Y + (30 if note else 10)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="11">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    if title:
        out.append(
            f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-size="13">{esc(title)}</text>'
        )
    for src, dst, label in edges:
        a, b = by_key[src], by_key[dst]
        x1, y1, x2, y2 = a.x + a.w / 2, a.y + a.h, b.x + b.w / 2, b.y
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#555" '
            'marker-end="url(#arrow)"/>'
        )
        if label:
            out.append(
                f'<text x="{(x1 + x2) / 2 + 4:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" fill="#666" font-size="10">'
                f"{esc(label)}</text>"
            )
    for b in boxes:
        dash = ' stroke-dasharray="4,3"' if b.kind == "more" else ""
        rx = 14 if b.kind == "leaf" else 5
        out.append(
            f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="{rx}" '
            f'fill="{FILL[b.kind]}" stroke="#777"{dash}/>'
        )
        for i, line in enumerate(b.lines):
            weight = ' font-weight="bold"' if i == 0 else ""
            out.append(
                f'<text x="{b.x + b.w / 2:.1f}" y="{b.y + PAD / 2 + (i + 0.8) * LINE_H:.1f}" '
                f'text-anchor="middle"{weight}>{esc(line)}</text>'
            )
    if note:
        out.append(f'<text x="10" y="{height - 10:.0f}" fill="#a33">{esc(note)}</text>')
    out.append("</svg>")
    return "\n".join(out)
