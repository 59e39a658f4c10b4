"""Presence: frame sources, face detection and approach tracking (DESIGN.md §5, §9)."""
