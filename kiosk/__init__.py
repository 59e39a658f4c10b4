"""Kiosk: an offline bilingual digital-human front desk."""

__version__ = "0.1.0"
