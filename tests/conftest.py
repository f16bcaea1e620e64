"""Hypothesis settings for the whole suite: under CI (CI=true) every run draws the same
examples, so a red build is one anyone can reproduce with `CI=true make test`; locally,
runs explore new examples and remember failing ones."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
