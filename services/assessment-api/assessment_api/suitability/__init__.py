"""Suitability, capacity and representatives at further consideration (¶2.247–2.264;
ASM-109…113)."""
