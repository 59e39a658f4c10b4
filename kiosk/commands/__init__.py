"""The `kiosk` subcommands: each module adds its own with `register(commands)`.

A handler is `(config, args) -> exit code`, set with `parser.set_defaults(handler=...)`.
Modules import their heavy engines inside the handler, so `kiosk --help` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

from kiosk.config import KioskConfig

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What `ArgumentParser.add_subparsers()` returns."""

Handler = Callable[[KioskConfig, argparse.Namespace], int]
"""Runs one subcommand; returns the process exit code."""

MODULES: tuple[str, ...] = (
    "kiosk.commands.answering",
    "kiosk.commands.queue",
    "kiosk.commands.devices",
    "kiosk.commands.presence",
    "kiosk.commands.ops",
    "kiosk.commands.screen",
    "kiosk.commands.voice",
)
"""Every module that registers subcommands, in `kiosk --help` order."""
