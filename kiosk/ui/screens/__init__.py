"""The kiosk's screens: attract, conversation, services and ticket, staff, browse."""
