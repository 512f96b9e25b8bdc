"""Rendering the app's matplotlib figures to PNG, fast enough to redraw every few weeks.

Text (ticks, labels, legends) is most of what matplotlib spends on a figure, and most of the
app's figures change little from one week to the next: a :class:`Blit` draws the unchanging
part once and only the changing artists over it each week.
"""

from __future__ import annotations

import io
from typing import Any

import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

DPI = 80  # the page shows the images at about this size; more only costs encoding time


class Blit:
    """A figure rendered as a background drawn once and artists drawn over it each week.

    Text (ticks, labels, legends) is most of what matplotlib spends on a figure; the weekly
    change is a few lines and widths. The background is drawn again only when ``static``
    (whatever else the figure shows: axis limits, the model) changes.
    """

    def __init__(self, fig: Figure) -> None:
        fig.set_dpi(DPI)
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self._background = None
        self._static: Any = object()
        self.backgrounds = 0  # how often the background was drawn

    def render(self, static: Any, dynamic: list[Artist]) -> bytes:
        """The figure as PNG, the ``dynamic`` artists drawn over the cached background."""
        if static != self._static or self._background is None:
            # Hidden from the background; texts by transparency, so that the layout still
            # leaves room for them.
            texts = [a for a in dynamic if isinstance(a, Text)]
            alphas = [t.get_alpha() for t in texts]
            for artist in dynamic:
                if isinstance(artist, Text):
                    artist.set_alpha(0)
                else:
                    artist.set_visible(False)
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._static = static
            self.backgrounds += 1
            for artist in dynamic:
                artist.set_visible(True)
            for text, alpha in zip(texts, alphas, strict=True):
                text.set_alpha(alpha)
        self.canvas.restore_region(self._background)
        for artist in dynamic:
            self.fig.draw_artist(artist)
        image = PIL.Image.frombuffer(
            "RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()
        )
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)  # fast; sent over localhost
        return buffer.getvalue()
