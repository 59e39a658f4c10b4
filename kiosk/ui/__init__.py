"""The kiosk screen: the window, its screens, captions and the OpenGL avatar (PySide6)."""
