"""Complaint summary, complaint components and organisation decisions at further consideration
(¶2.227–2.245, ¶3.119–3.124; ASM-105…108, ASM-114, ASM-116, ASM-117, ASM-126, ASM-176)."""
