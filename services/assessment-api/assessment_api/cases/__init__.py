"""Assessment's own case record (issue #12): opened from ``intake.case.referred``, keyed by
intake's case id, and the decisions that end assessment (issue #13): a decision not to
investigate and a proposal to investigate, each behind the risk guard (XC-RSK-001)."""
