"""Offline model bundles: pack a folder of models, install a bundle after verifying it, refer to
installed models by name (`model:NAME`) in the config."""

from kiosk.models.bundle import install_bundle, pack_bundle
from kiosk.models.manifest import BundleError, FileEntry, Manifest, ModelEntry
from kiosk.models.registry import Registry, models_dir, resolve_model_refs

__all__ = [
    "BundleError",
    "FileEntry",
    "Manifest",
    "ModelEntry",
    "Registry",
    "install_bundle",
    "models_dir",
    "pack_bundle",
    "resolve_model_refs",
]
