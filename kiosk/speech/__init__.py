"""Listening and speaking: audio I/O, endpointing, wake word, ASR, TTS and visemes."""
