"""The Earth: models, geodesy, gravity and atmosphere."""
from openbmd.earth.model import EARTHS, G0_M_S2, SPHERE, WGS84, EarthModel, earth_model

__all__ = ["EARTHS", "G0_M_S2", "SPHERE", "WGS84", "EarthModel", "earth_model"]
