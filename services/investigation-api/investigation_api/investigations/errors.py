"""Errors of the investigations module.

NotFound
└── InvestigationNotFound (404, investigation-not-found)
"""

from shared.errors import NotFound


class InvestigationNotFound(NotFound):
    type = "investigation-not-found"
    title = "Investigation not found"
