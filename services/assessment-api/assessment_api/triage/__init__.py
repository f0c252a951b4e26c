"""ECT triage with the Public Value Model (issue #12; guidance ¶2.77–2.96, ASM-044…051): the
Executive Team's versioned threshold sets, the PVM assessment of a case at ECT triage with its
computed outcome, and the three ways out of triage (T17 decline, T18 resolution, T19 pass-on)."""
