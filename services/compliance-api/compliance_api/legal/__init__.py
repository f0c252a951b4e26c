"""Legal-action correspondence: the Legal Team referral and the Legal risk prompt (XC-RSK-004)."""
