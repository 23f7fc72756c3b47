"""Measurement models (Stone Soup's split): what a sensor measures of a state, its
Jacobian and its noise, for one generic extended Kalman step (:mod:`openbmd.sensors.ekf`).

A model is batched over K tracks: the state ``x`` is (K, n) with the ECEF position
(m) in its first three components (any motion model's state: 6 for ballistic, 9 for
boost), the observer (K, 3) or (3,). Each model gives

- :meth:`~MeasurementModel.function` h(x): the predicted measurement (K, m);
- :meth:`~MeasurementModel.jacobian` H(x) = dh/dx (K, m, n);
- :meth:`~MeasurementModel.covariance` R (K, m, m) (independent Gaussian noise);
- :meth:`~MeasurementModel.residual` z - h(x) with angles wrapped into [-pi, pi).

:class:`RangeAzEl` is a radar's range, azimuth and elevation from its site (the
arithmetic of :func:`openbmd.sensors.tracking_kernels.measure`, written once);
:class:`LineOfSight` the two angles of an infrared sensor's line of sight from a
moving observer (a satellite), in Earth-fixed axes:
``lon = atan2(dy, dx)``, ``lat = atan2(dz, hypot(dx, dy))`` of d = r - observer.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, replace

import numpy as np

from openbmd.sensors import tracking_kernels as tk


def _rows(a, k: int, shape: tuple) -> np.ndarray:
    return np.broadcast_to(np.asarray(a, dtype=float), (k,) + shape)


def _wrap(a):
    return (a + np.pi) % (2.0 * np.pi) - np.pi


class MeasurementModel(abc.ABC):
    """h(x), H(x), R and the residual of one kind of measurement (batched over K)."""

    #: indices of the measurement components that are angles wrapping at 2 pi
    WRAPPED: tuple[int, ...] = ()
    #: attributes that may carry a leading K axis -> their ndim without it
    PER_TRACK: dict[str, int] = {}

    def subset(self, idx) -> "MeasurementModel":
        """The model of tracks ``idx`` only (per-track arrays indexed, shared ones kept)."""
        changes = {k: np.asarray(getattr(self, k))[idx] for k, nd in self.PER_TRACK.items()
                   if np.ndim(getattr(self, k)) > nd}
        return replace(self, **changes) if changes else self

    @property
    @abc.abstractmethod
    def sigma(self) -> np.ndarray:
        """One-sigma noise (m,) or (K, m) of each component."""

    @abc.abstractmethod
    def _h(self, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(h (K, m), dh/dr (K, m, 3)) at positions r (K, 3)."""

    def function(self, x) -> np.ndarray:
        """Predicted measurements (K, m) of states (K, n)."""
        return self._h(np.atleast_2d(x)[:, :3])[0]

    def jacobian(self, x) -> np.ndarray:
        """dh/dx (K, m, n): the position block from the geometry, zero on the other states."""
        x = np.atleast_2d(x)
        _, hr = self._h(x[:, :3])
        out = np.zeros(hr.shape[:2] + (x.shape[1],))
        out[:, :, :3] = hr
        return out

    def covariance(self, k: int) -> np.ndarray:
        """R (K, m, m): diagonal, the squared sigmas."""
        s = _rows(self.sigma, k, (np.shape(self.sigma)[-1],))
        return s[:, :, None] ** 2 * np.eye(s.shape[1])

    def residual(self, z, zp) -> np.ndarray:
        """z - zp (K, m) with the angle components wrapped into [-pi, pi)."""
        y = np.asarray(z, dtype=float) - zp
        for i in self.WRAPPED:
            y[:, i] = _wrap(y[:, i])
        return y


@dataclass(frozen=True, kw_only=True, eq=False)
class RangeAzEl(MeasurementModel):
    """(range m, azimuth rad clockwise from north, elevation rad) from a site."""

    site_m: np.ndarray  #: (3,) or (K, 3) ECEF site
    rotation: np.ndarray  #: (3, 3) or (K, 3, 3) rows east, north, up of the site
    sigma_range_m: float | np.ndarray
    sigma_angle_rad: float | np.ndarray

    WRAPPED = (1,)
    PER_TRACK = {"site_m": 1, "rotation": 2, "sigma_range_m": 0, "sigma_angle_rad": 0}

    @classmethod
    def of_radar(cls, radar) -> "RangeAzEl":
        return cls(site_m=radar.site.ecef_m, rotation=radar.site.rotation,
                   sigma_range_m=radar.sigma_range_m, sigma_angle_rad=radar.sigma_angle_rad)

    @property
    def sigma(self) -> np.ndarray:
        r, a = np.broadcast_arrays(np.asarray(self.sigma_range_m, float), np.asarray(self.sigma_angle_rad, float))
        return np.stack([r, a, a], axis=-1)

    def _h(self, r):
        k = r.shape[0]
        z, hr = tk.measure(r, _rows(self.site_m, k, (3,)), _rows(self.rotation, k, (3, 3)))
        z[:, 1] %= 2.0 * np.pi
        return z, hr


@dataclass(frozen=True, kw_only=True, eq=False)
class LineOfSight(MeasurementModel):
    """(longitude-like, latitude-like) angles (rad) of the line of sight from an observer
    at ``observer_m`` (K, 3) ECEF, in Earth-fixed axes: an angles-only infrared sensor."""

    observer_m: np.ndarray
    sigma_rad: float | np.ndarray

    WRAPPED = (0,)
    PER_TRACK = {"observer_m": 1, "sigma_rad": 0}

    @property
    def sigma(self) -> np.ndarray:
        s = np.asarray(self.sigma_rad, dtype=float)
        return np.stack([s, s], axis=-1)

    def _h(self, r):
        d = r - _rows(self.observer_m, r.shape[0], (3,))
        dx, dy, dz = d[:, 0], d[:, 1], d[:, 2]
        h2 = dx * dx + dy * dy
        h = np.sqrt(h2)
        rho2 = h2 + dz * dz
        z = np.stack([np.arctan2(dy, dx), np.arctan2(dz, h)], axis=1)
        jac = np.empty((r.shape[0], 2, 3))
        jac[:, 0] = np.stack([-dy, dx, np.zeros_like(dx)], axis=1) / h2[:, None]
        jac[:, 1] = np.stack([-dx * dz, -dy * dz, h2], axis=1) / (rho2 * h)[:, None]
        return z, jac

    def unit_vectors(self, z) -> np.ndarray:
        """Unit lines of sight (K, 3) of measurements z (K, 2)."""
        lon, lat = z[..., 0], z[..., 1]
        return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
