"""The built-in sensor kinds: importing a class's module registers it under its ``KIND``
(:func:`openbmd.sensors.base.register`). A new kind of sensor is its class (a module
here), one import line below, and its catalog TOML files."""
from openbmd.sensors.irtrack import InfraredTracker
from openbmd.sensors.radar import Radar
from openbmd.sensors.spaceir import SpaceInfrared

__all__ = ["InfraredTracker", "Radar", "SpaceInfrared"]
