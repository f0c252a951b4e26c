"""A real intake-api in process behind assessment's intake client (the closing tests' fixtures):
the complainant's parties and contact card are read as they are over the network."""

from tests.assessment.closing.test_closure_recipients_api import (  # noqa: F401
    intake_parts,
    with_intake,
)
