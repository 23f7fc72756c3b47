"""The engagement chain: detect, track, decide, launch, intercept; doctrine and kill probability."""
from openbmd.engagement.doctrine import (DOCTRINES, Doctrine, expected_shots, p_engagement, p_layers,
                                         p_salvo, parse_doctrine, simulate)

__all__ = ["DOCTRINES", "Doctrine", "expected_shots", "p_engagement", "p_layers", "p_salvo",
           "parse_doctrine", "simulate"]
