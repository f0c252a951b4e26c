"""Casework risk: assessments, their risks and ratings, uplifts and overrides (guidance §10)."""
