"""Earth models: the WGS-84 ellipsoid with J2, and a spherical validation Earth.

Numbers (checkable):
- WGS-84 (NGA.STND.0036_1.0.0_WGS84, 2014, table 3.1): a = 6,378,137.0 m,
  1/f = 298.257223563, GM = 3.986004418e14 m^3/s^2,
  omega = 7.292115e-5 rad/s.
- J2 = -sqrt(5) * C20bar with C20bar = -4.84166774985e-4 (EGM2008 / WGS-84
  normalized second zonal) gives J2 = 1.0826298e-3.
- The ``sphere`` test Earth: radius 6,371.0 km (mean radius),
  mu = 398,600.4418 km^3/s^2, no J2, the WGS-84 rotation rate.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from openbmd.errors import InputError

G0_M_S2 = 9.80665  # standard gravity (exact by definition), for Isp
OMEGA_WGS84_RAD_S = 7.292115e-5
GM_WGS84_M3_S2 = 3.986004418e14
J2_WGS84 = 1.0826298e-3


@dataclass(frozen=True, kw_only=True)
class EarthModel:
    """A rigidly rotating oblate (or spherical) Earth.

    Attributes are SI: metres, m^3/s^2, rad/s.
    """

    name: str
    a_m: float  #: equatorial radius
    f: float  #: flattening (0 for a sphere)
    mu_m3_s2: float  #: gravitational parameter
    j2: float  #: second zonal harmonic (0 disables)
    omega_rad_s: float  #: rotation rate about +z (0 for a non-rotating Earth)

    @property
    def b_m(self) -> float:
        """Polar radius."""
        return self.a_m * (1.0 - self.f)

    @property
    def e2(self) -> float:
        """First eccentricity squared."""
        return self.f * (2.0 - self.f)

    @property
    def rotating(self) -> bool:
        return self.omega_rad_s != 0.0

    def without_rotation(self) -> "EarthModel":
        """The same Earth, not rotating (for validation against closed forms)."""
        return replace(self, omega_rad_s=0.0, name=self.name + "-norot")


WGS84 = EarthModel(
    name="wgs84",
    a_m=6378137.0,
    f=1.0 / 298.257223563,
    mu_m3_s2=GM_WGS84_M3_S2,
    j2=J2_WGS84,
    omega_rad_s=OMEGA_WGS84_RAD_S,
)

SPHERE = EarthModel(
    name="sphere",
    a_m=6371000.0,
    f=0.0,
    mu_m3_s2=3.986004418e14,
    j2=0.0,
    omega_rad_s=7.2921150e-5,
)

EARTHS = {"wgs84": WGS84, "sphere": SPHERE}


def earth_model(name: str | EarthModel, *, rotation: bool = True) -> EarthModel:
    """Return the Earth model called ``name`` ('wgs84' or 'sphere')."""
    if isinstance(name, EarthModel):
        model = name
    else:
        try:
            model = EARTHS[str(name).lower()]
        except KeyError:
            raise InputError(
                f"unknown Earth model {name!r}; allowed: {', '.join(EARTHS)}"
            ) from None
    return model if rotation else (model.without_rotation() if model.rotating else model)
