"""The dependency drawing of a hospital map as SVG (`bascule map draw`), coloured by an impact."""

from bascule.diagram.drawing import draw_svg, draw_to_file
from bascule.diagram.impact_view import ImpactView

__all__ = ["ImpactView", "draw_svg", "draw_to_file"]
