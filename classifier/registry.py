"""Versioned models on disk: each version a skops file, its card, and a checksum checked on load.

Layout: MODEL_DIR/<version>/model.skops, MODEL_DIR/<version>/card.json, and MODEL_DIR/LIVE naming
the version in service. skops refuses any type that is not on our list, so a tampered file cannot
run code, and the checksum in the card catches a swapped or damaged file.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from skops.io import dump, get_untrusted_types, load

from classifier.model import ModelCard, TrainedModel

LIVE_POINTER = "LIVE"
MODEL_FILE = "model.skops"
CARD_FILE = "card.json"

# What our pipelines hold beyond the scikit-learn, NumPy and SciPy types skops trusts by default:
# our thesaurus annotator and calibration internals. Anything else in a file is refused.
TRUSTED_TYPES = frozenset(
    {
        "classifier.thesaurus.ConceptAnnotator",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
    }
)


class ModelIntegrityError(RuntimeError):
    """A stored model does not match its card or holds types we do not trust."""


class NoModelError(LookupError):
    """No model has been trained or promoted yet."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def new_version(data_hash: str) -> str:
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{data_hash[:8]}"


def save(model_dir: Path, model: TrainedModel) -> Path:
    """Write a trained model under its version; the card records the file's checksum."""
    folder = model_dir / model.card.version
    folder.mkdir(parents=True, exist_ok=False)
    # Compressed: the vocabularies are written as verbose JSON, a tenth of the size zipped;
    # loading takes no longer.
    dump(model.pipeline, folder / MODEL_FILE, compression=zipfile.ZIP_DEFLATED)
    model.card.model_sha256 = _sha256(folder / MODEL_FILE)
    (folder / CARD_FILE).write_text(json.dumps(model.card.to_dict(), indent=2, ensure_ascii=False))
    return folder


def read_card(model_dir: Path, version: str) -> ModelCard:
    return ModelCard(**json.loads((model_dir / version / CARD_FILE).read_text()))


def load_version(model_dir: Path, version: str) -> TrainedModel:
    folder = model_dir / version
    card = read_card(model_dir, version)
    path = folder / MODEL_FILE
    if _sha256(path) != card.model_sha256:
        raise ModelIntegrityError(f"model {version}: file checksum does not match its card")
    found = get_untrusted_types(file=path)
    untrusted = set(found) - TRUSTED_TYPES
    if untrusted:
        raise ModelIntegrityError(f"model {version}: untrusted types {sorted(untrusted)}")
    pipeline = load(path, trusted=found)
    return TrainedModel(pipeline, card)


def versions(model_dir: Path) -> list[str]:
    if not model_dir.is_dir():
        return []
    return sorted(p.name for p in model_dir.iterdir() if (p / CARD_FILE).is_file())


def live_version(model_dir: Path) -> str | None:
    pointer = model_dir / LIVE_POINTER
    return pointer.read_text().strip() if pointer.is_file() else None


def promote(model_dir: Path, version: str) -> None:
    """Make a version live; written atomically so a reader never sees half a name."""
    if version not in versions(model_dir):
        raise NoModelError(f"no model version {version}")
    temporary = model_dir / f".{LIVE_POINTER}.{os.getpid()}"
    temporary.write_text(version)
    temporary.replace(model_dir / LIVE_POINTER)


def load_live(model_dir: Path) -> TrainedModel:
    version = live_version(model_dir)
    if version is None:
        raise NoModelError(f"no live model in {model_dir}")
    return load_version(model_dir, version)
