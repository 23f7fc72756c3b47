"""openbmd: open, transparent missile-defense analysis."""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("openbmd")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"
