"""Answering: intents, the manipulation guard, grounded and generative answers."""
