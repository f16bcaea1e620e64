"""The control plane: steering the simulator from tests (reset, clock, config, faults,
render transitions, tenants, journal, snapshots), over HTTP under /_sim or in process.

    from simulator.control import SimControl, actions
"""

from . import actions
from .client import ControlError, SimControl

__all__ = ["ControlError", "SimControl", "actions"]
