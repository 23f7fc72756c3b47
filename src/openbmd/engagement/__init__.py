"""The engagement chain: detect, track, decide, launch, intercept; doctrine and kill probability."""
from openbmd.engagement.battlespace import BattleSpace, KillVehicleLimits, battle_space
from openbmd.engagement.doctrine import (DOCTRINES, Doctrine, expected_shots, p_engagement, p_layers,
                                         p_salvo, parse_doctrine, simulate)
from openbmd.engagement.engage import EngagementResult, Timeline, engage
from openbmd.engagement.engine import BatteryOutcome, Lane, ManyResult, engage_many, run_battery, shots
from openbmd.engagement.layers import Battery, LayeredResult, engage_architecture, engage_layers
from openbmd.engagement.montecarlo import MonteCarloResult, Uncertainty, monte_carlo
from openbmd.engagement.shooter import Shooter

__all__ = ["BattleSpace", "Battery", "BatteryOutcome", "DOCTRINES", "Doctrine", "EngagementResult",
           "KillVehicleLimits", "Lane", "LayeredResult", "ManyResult", "MonteCarloResult", "Shooter", "Timeline",
           "Uncertainty", "battle_space", "engage", "engage_architecture", "engage_layers", "engage_many",
           "expected_shots", "monte_carlo",
           "p_engagement", "p_layers", "p_salvo", "parse_doctrine", "run_battery", "shots", "simulate"]
