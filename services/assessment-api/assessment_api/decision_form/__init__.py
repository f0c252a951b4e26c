"""The Decision Form at further consideration (issue #13; guidance ¶2.196–2.329, §3;
ASM-090…098, ASM-114, ASM-118…136, ASM-170): one structured, versioned record per case, its
time-limit and alternative-legal-remedy sections, the Assistant Director's agreements a
time-limit decision needs, and what is missing before a decline or a proposal."""
