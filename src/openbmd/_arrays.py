"""Read-only arrays for immutable results."""
from __future__ import annotations

import numpy as np


def frozen(a, dtype=float) -> np.ndarray:
    """A read-only copy of ``a``."""
    out = np.array(a, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out
