"""The engagement chain: detect, track, decide, launch, intercept; doctrine and kill probability."""
from openbmd.engagement.battlespace import BattleSpace, KillVehicleLimits, battle_space
from openbmd.engagement.doctrine import (DOCTRINES, Doctrine, expected_shots, p_engagement, p_layers,
                                         p_salvo, parse_doctrine, simulate)
from openbmd.engagement.engage import EngagementResult, Timeline, engage
from openbmd.engagement.layers import Battery, LayeredResult, engage_layers
from openbmd.engagement.montecarlo import MonteCarloResult, Uncertainty, monte_carlo

__all__ = ["BattleSpace", "Battery", "DOCTRINES", "Doctrine", "EngagementResult", "KillVehicleLimits",
           "LayeredResult", "MonteCarloResult", "Timeline", "Uncertainty", "battle_space", "engage",
           "engage_layers", "expected_shots", "monte_carlo", "p_engagement", "p_layers", "p_salvo",
           "parse_doctrine", "simulate"]
