"""The repair tests' crew and clock, for the fault outages that publish notices."""

from tests.services.repair.test_actions import clock, li, repair_team  # noqa: F401
