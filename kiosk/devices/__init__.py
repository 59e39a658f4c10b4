"""Serial devices: the ESC/POS ticket printer, queue displays, and their simulators."""
