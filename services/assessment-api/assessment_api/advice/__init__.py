"""Advice at assessment: clinical, legal, EDI, other specialist, manager and peer (guidance
¶3.12–3.58, ASM-142…152)."""
