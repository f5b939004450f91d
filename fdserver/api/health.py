"""``GET /health`` (no authentication) for load balancers and monitoring: the database
answers and is initialised."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from fdserver.api.common import server_epoch
from fdserver.auth import EngineDep
from fdserver.db import reading

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/health", response_model=Health)
def health(engine: EngineDep) -> Health:
    with reading(engine) as conn:
        server_epoch(conn)
    return Health(status="ok")
