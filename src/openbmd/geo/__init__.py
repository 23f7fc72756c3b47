"""Geography read from shipped data: country and land outlines (Natural Earth).

Upstream of the analyses and the reports alike; nothing here draws.
"""
