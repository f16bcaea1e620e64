"""The API's routes, one module per area; each handler is a thin translation to the domain."""

from ..operations import OperationRoutes
from . import agent, auth, cdn, credits, media, render, sessions

ALL: tuple[OperationRoutes, ...] = (
    auth.routes,
    sessions.routes,
    credits.routes,
    media.routes,
    render.routes,
    agent.routes,
    cdn.routes,
)
