"""How the teaching tools show themselves: plain text for the terminal (``.show()``), HTML for
Jupyter (``_repr_html_``) and self-contained HTML pages a teacher can open offline.

Everything here builds strings; nothing needs a browser, Jupyter or any package beyond NumPy.
"""

from __future__ import annotations

import html
import sys

import numpy as np

__all__ = ["Rich", "html_table", "html_page", "matrix_html", "save_html"]

# One small style sheet, shared by every table and page (inlined: pages work offline).
CSS = """
.mt-teach { font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; font-size: 13px; }
.mt-teach table { border-collapse: collapse; margin: 4px 0 10px 0; }
.mt-teach caption { text-align: left; font-weight: 600; padding: 4px 0; }
.mt-teach th { background: #eef2f7; text-align: left; }
.mt-teach th, .mt-teach td { border: 1px solid #cfd6df; padding: 3px 8px; vertical-align: top; }
.mt-teach td.num { text-align: right; font-family: Menlo, Consolas, monospace; }
.mt-teach code, .mt-teach .mono { font-family: Menlo, Consolas, monospace; }
.mt-teach .bad { color: #b00020; font-weight: 600; }
.mt-teach .ok { color: #1b7f3b; }
.mt-teach .muted { color: #6b7480; }
.mt-teach .bar { display: inline-block; height: 10px; background: #4c78a8; }
""".strip()


def esc(value) -> str:
    """``value`` as HTML text (``<``, ``&`` and quotes escaped)."""
    return html.escape(str(value), quote=True)


def html_table(header: list, rows: list, caption: str | None = None, raw: bool = False) -> str:
    """An HTML ``<table>``. Cells are escaped unless ``raw`` (then they are HTML already)."""
    cell = (lambda c: str(c)) if raw else esc
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def wrap(body: str) -> str:
    """A fragment for Jupyter: the style sheet and ``body`` in one ``div``."""
    return f'<div class="mt-teach"><style>{CSS}</style>{body}</div>'


def html_page(title: str, body: str) -> str:
    """A complete, self-contained HTML page (no scripts, no external files)."""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body class='mt-teach'><h2>{esc(title)}</h2>{body}</body></html>\n"
    )


def save_html(path: str, title: str, body: str) -> str:
    """Write :func:`html_page` to ``path`` and return the path."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(html_page(title, body))
    return path


def matrix_html(arr, digits: int = 4) -> str:
    """A small 0-D, 1-D or 2-D array as a bordered grid of numbers."""
    a = np.atleast_2d(np.asarray(arr, dtype=np.float64))
    if a.ndim > 2:
        a = a.reshape(a.shape[0], -1)
    rows = "".join(
        "<tr>" + "".join(f"<td class='num'>{v + 0.0:.{digits}g}</td>" for v in row) + "</tr>" for row in a
    )
    return f"<table>{rows}</table>"


class Rich:
    """Mixin: ``text()`` for terminals, ``html()`` for notebooks.

    Subclasses define ``text()`` and ``_html_body()``; they get ``show()``, ``_repr_html_`` (so
    Jupyter draws them) and ``save_html(path)``.
    """

    _title = "minitorch.teach"

    def text(self) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _html_body(self) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def html(self) -> str:
        """An HTML fragment (what Jupyter shows)."""
        return wrap(self._html_body())

    def _repr_html_(self) -> str:
        return self.html()

    def show(self, file=None) -> None:
        """Print :meth:`text` (for the terminal; in Jupyter just leave the object last in a cell)."""
        print(self.text(), file=file or sys.stdout)

    def save_html(self, path: str, title: str | None = None) -> str:
        """Write a self-contained HTML page (opens offline, no scripts) and return ``path``."""
        return save_html(path, title or self._title, self._html_body())
