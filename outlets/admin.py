"""The outlets app's admin."""

import outlets.kiosk.admin  # noqa: F401  the kiosks' admin (register, rotate, revoke)
