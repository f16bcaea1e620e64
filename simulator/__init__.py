"""nemosim: an offline, stateful twin of the NemoVideo API."""

__version__ = "0.1.0"
