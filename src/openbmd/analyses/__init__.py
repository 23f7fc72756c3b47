"""The analyses of the debate: coverage, ICBM reach, pacing, raids, and the assessment report."""
