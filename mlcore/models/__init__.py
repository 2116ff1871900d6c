"""Beat models, one ``nn.Module`` per file.

Classifiers take ``(x, rr)`` with x float32 (batch, n_leads, length) and rr float32 (batch, k) and
return class logits; the autoencoder takes x and returns its reconstruction.
"""

from __future__ import annotations

from torch import nn

from mlcore.models.autoencoder import ConvAutoencoder
from mlcore.models.cnn import BeatCNN
from mlcore.models.combined import CombinedModel
from mlcore.models.dnn import BeatDNN
from mlcore.models.ensemble import Ensemble
from mlcore.models.lstm import BeatLSTM
from mlcore.models.transformer import BeatTransformer

CLASSIFIERS = {
    "cnn": BeatCNN,
    "dnn": BeatDNN,
    "lstm": BeatLSTM,
    "transformer": BeatTransformer,
}
MODEL_NAMES = (*CLASSIFIERS, "ae", "combined")
# Not trained by name: ``--folds K`` makes an ensemble of K members of a classifier.
ENSEMBLE = "ensemble"


def build_model(name: str, **params) -> nn.Module:
    """Instantiate a model by its short name (see MODEL_NAMES) from its constructor arguments."""
    if name in CLASSIFIERS:
        return CLASSIFIERS[name](**params)
    if name == "ae":
        return ConvAutoencoder(**params)
    if name == ENSEMBLE:
        member = params["member"]
        return Ensemble(
            [build_model(member, **params["params"]) for _ in range(params["n_members"])]
        )
    if name == "combined":
        return CombinedModel(
            classifier=build_model(params["classifier_name"], **params["classifier"]),
            autoencoder=ConvAutoencoder(**params["autoencoder"]),
            n_classes=params["n_classes"],
        )
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")


__all__ = [
    "CLASSIFIERS",
    "MODEL_NAMES",
    "BeatCNN",
    "BeatDNN",
    "BeatLSTM",
    "BeatTransformer",
    "CombinedModel",
    "ENSEMBLE",
    "Ensemble",
    "ConvAutoencoder",
    "build_model",
]
