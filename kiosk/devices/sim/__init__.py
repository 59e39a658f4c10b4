"""Simulated devices (a product feature): socat pseudo-terminal pairs, a virtual ESC/POS
printer and virtual queue displays, used by `kiosk devices simulate`, `kiosk run --simulate`
and the tests."""
