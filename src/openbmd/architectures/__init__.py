"""Architectures (sensors, batteries, command and control), threat sets and target sets."""
