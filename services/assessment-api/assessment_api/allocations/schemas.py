from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class QueueEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    reference: str
    case_type: str
    jurisdiction: str
    route: str
    triage_category: str
    priority: str
    organisation_ids: list[uuid.UUID]
    received_date: date
    referred_at: datetime
    status: str
