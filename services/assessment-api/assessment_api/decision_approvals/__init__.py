"""Approval of a decision not to investigate (a resolution is one) and of a proposal to
investigate under the
Delegation Scheme and Supervision Model (ASM-172, XC-ROL-002, XC-ROL-005)."""
