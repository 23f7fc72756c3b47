"""A place on the Earth that owns its local frame (east, north, up), as Skyfield's ``Topos``.

:class:`Site` is immutable; it computes its ECEF position and its rotation once, and
every method broadcasts over leading dimensions of ``(..., 3)`` vectors:

    site = Site(lat_deg=38.349, lon_deg=37.794, alt_m=2085.0)
    site.enu(ecef_m)      # (..., 3) east, north, up metres from the site
    site.aer(ecef_m)      # (az_rad, el_rad, range_m), azimuth clockwise from north in [0, 2 pi)
    site.ecef(enu_m)      # back to ECEF

The ENU basis itself is written once, in :func:`openbmd.earth.geodesy.enu_rotation`
(the numba kernels use their scalar twin :func:`openbmd.kernels.geo.enu_basis`).
Elevation is above the ellipsoid-normal horizontal (geodetic, not geocentric).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from openbmd.earth.geodesy import _vectors, enu_rotation, geodetic_to_ecef
from openbmd.earth.model import WGS84, EarthModel
from openbmd.errors import InputError

__all__ = ["Site"]


@dataclass(frozen=True, kw_only=True)
class Site:
    """A geodetic site: latitude and longitude (deg), height above the ellipsoid (m)."""

    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    earth: EarthModel = WGS84
    ecef_m: np.ndarray = field(init=False, repr=False, compare=False)  #: (3,) site position
    rotation: np.ndarray = field(init=False, repr=False, compare=False)  #: (3, 3) rows east, north, up

    def __post_init__(self) -> None:
        for name in ("lat_deg", "lon_deg", "alt_m"):
            value = getattr(self, name)
            if not math.isfinite(float(value)):
                raise InputError(f"site {name} = {value} is not allowed; it must be a finite number")
            object.__setattr__(self, name, float(value))
        if abs(self.lat_deg) > 90.0:
            raise InputError(f"site latitude {self.lat_deg:g} deg is outside the allowed range [-90, 90] deg")
        pos = geodetic_to_ecef(self.lat_deg, self.lon_deg, self.alt_m, self.earth)
        rot = enu_rotation(self.lat_deg, self.lon_deg)
        pos.flags.writeable = rot.flags.writeable = False
        object.__setattr__(self, "ecef_m", pos)
        object.__setattr__(self, "rotation", rot)

    @property
    def up(self) -> np.ndarray:
        """Unit ellipsoid normal (3,) in ECEF components."""
        return self.rotation[2]

    def rotate(self, vectors) -> np.ndarray:
        """ECEF vector components (..., 3) (e.g. velocities) in the site's east, north, up."""
        return np.einsum("ij,...j->...i", self.rotation, _vectors(vectors, "vectors"))

    def enu(self, ecef_m) -> np.ndarray:
        """ECEF positions (..., 3) as east, north, up metres from the site."""
        return self.rotate(_vectors(ecef_m, "ecef_m") - self.ecef_m)

    def ecef(self, enu_m) -> np.ndarray:
        """East, north, up metres from the site (..., 3) back to ECEF positions."""
        return self.ecef_m + np.einsum("ji,...j->...i", self.rotation, _vectors(enu_m, "enu_m"))

    def aer(self, ecef_m):
        """(az_rad, el_rad, range_m) of ECEF positions (..., 3): azimuth clockwise from
        north in [0, 2 pi), elevation in [-pi/2, pi/2], slant range in metres."""
        d = self.enu(ecef_m)
        e, n, u = d[..., 0], d[..., 1], d[..., 2]
        az = np.arctan2(e, n) % (2.0 * np.pi)
        return az, np.arctan2(u, np.hypot(e, n)), np.sqrt(e * e + n * n + u * u)

    def line_of_sight(self, ecef_m) -> np.ndarray:
        """Unit vectors (..., 3) in ECEF from the site to the positions."""
        d = _vectors(ecef_m, "ecef_m") - self.ecef_m
        return d / np.linalg.norm(d, axis=-1, keepdims=True)
