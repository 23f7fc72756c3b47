"""The Earth: models, geodesy, gravity and atmosphere."""
from openbmd.earth.atmosphere import AtmosphereState, atmosphere, density_kg_m3, speed_of_sound_m_s
from openbmd.earth.geodesy import (
    aer_to_ecef,
    ecef_to_aer,
    ecef_to_enu,
    ecef_to_geodetic,
    enu_rotation,
    enu_to_ecef,
    geodesic_direct,
    geodesic_inverse,
    geodetic_to_ecef,
)
from openbmd.earth.frames import Site
from openbmd.earth.gravity import gravity_m_s2
from openbmd.earth.model import EARTHS, G0_M_S2, SPHERE, WGS84, EarthModel, earth_model

__all__ = [
    "EARTHS",
    "G0_M_S2",
    "SPHERE",
    "WGS84",
    "Site",
    "AtmosphereState",
    "EarthModel",
    "aer_to_ecef",
    "atmosphere",
    "density_kg_m3",
    "earth_model",
    "ecef_to_aer",
    "ecef_to_enu",
    "ecef_to_geodetic",
    "enu_rotation",
    "enu_to_ecef",
    "geodesic_direct",
    "geodesic_inverse",
    "geodetic_to_ecef",
    "gravity_m_s2",
    "speed_of_sound_m_s",
]
