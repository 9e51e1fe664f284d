"""The kiosk API (/api/v1/kiosk/…): devices, customers' proof and sessions, and what a customer does at a kiosk.

See docs/kiosk-guide.md for the vendor's side of it.
"""
