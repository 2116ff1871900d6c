"""Model artefact folders: weights, config, normalisation statistics, threshold, metrics, model card.

A folder holds:

* ``weights.pt``          the best ``state_dict`` (only the best checkpoint is ever written);
* ``config.json``         model name and constructor parameters, data, split, window, training settings
                          and the exact command;
* ``normalisation.json``  mean/std of the log RR features (inputs are standardised with them);
* ``threshold.json``      autoencoder only: anomaly-score threshold and the rule that chose it, and
                          whether scores are relative to the recording (``relative``);
* ``metrics.json``        validation metrics written by training; evaluation writes ``eval-*.json``;
* ``MODEL_CARD.md``       rendered from the above.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from mlcore.errors import SignalError
from mlcore.models import build_model
from mlcore.segment import RR_FEATURES


@dataclass(frozen=True)
class Artefact:
    """A loaded model artefact, ready for inference (module in eval mode)."""

    folder: Path
    config: dict
    model: nn.Module
    rr_mean: np.ndarray
    rr_std: np.ndarray
    threshold: float | None
    # Autoencoders: scores are errors over the median error of the recording's beats (threshold.json).
    relative_scores: bool = False

    @property
    def name(self) -> str:
        return self.config["model"]

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.config["classes"])

    @property
    def n_leads(self) -> int:
        """Signal leads the model reads (its input may hold more channels, see ``input``)."""
        return int(self.config["window"]["leads"])

    @property
    def input(self) -> str:
        return self.config.get("input", "beat")

    @property
    def length(self) -> int:
        return int(self.config["window"]["length"])

    def rr_inputs(self, rr: np.ndarray) -> np.ndarray:
        return standardise_rr(rr, self.rr_mean, self.rr_std)


def log_rr(rr: np.ndarray) -> np.ndarray:
    return np.log(np.clip(np.asarray(rr, dtype=np.float32), 1e-3, None))


def rr_statistics(rr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of the log RR features (log makes ratios symmetric around 1)."""
    if rr.shape[1] == 0:
        return np.zeros(0, np.float32), np.ones(0, np.float32)
    logged = log_rr(rr)
    std = logged.std(axis=0)
    return logged.mean(axis=0).astype(np.float32), np.where(std > 1e-6, std, 1.0).astype(np.float32)


def standardise_rr(rr: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    if rr.shape[1] == 0:
        return rr.astype(np.float32)
    return ((log_rr(rr) - mean) / std).astype(np.float32)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


def save_artefact(
    folder: Path,
    model: nn.Module,
    config: dict,
    rr_mean: np.ndarray,
    rr_std: np.ndarray,
    metrics: dict,
    threshold: dict | None = None,
) -> None:
    """Write an artefact folder (see module docstring) and render its model card."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), folder / "weights.pt")
    _write_json(folder / "config.json", config)
    _write_json(
        folder / "normalisation.json",
        {
            "rr_features": "log, then (x - mean) / std",
            "mean": rr_mean.tolist(),
            "std": rr_std.tolist(),
        },
    )
    if threshold is not None:
        _write_json(folder / "threshold.json", threshold)
    _write_json(folder / "metrics.json", metrics)
    write_model_card(folder)


def load_artefact(folder: Path | str) -> Artefact:
    folder = Path(folder)
    if not (folder / "config.json").exists() or not (folder / "weights.pt").exists():
        raise SignalError(
            f"{folder} is not a model artefact folder (config.json, weights.pt missing)"
        )
    config = json.loads((folder / "config.json").read_text())
    features = config.get("rr_features")
    if isinstance(features, list) and features and features != list(RR_FEATURES):
        raise SignalError(
            f"{folder} was trained on other RR features ({', '.join(features)}) than "
            f"mlcore.segment computes now; retrain it (see its MODEL_CARD.md)"
        )
    norm = json.loads((folder / "normalisation.json").read_text())
    model = build_model(config["model"], **config["params"])
    state = torch.load(folder / "weights.pt", map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    threshold, relative = None, False
    if (folder / "threshold.json").exists():
        rule = json.loads((folder / "threshold.json").read_text())
        threshold, relative = float(rule["threshold"]), bool(rule.get("relative", False))
    return Artefact(
        folder=folder,
        config=config,
        model=model,
        rr_mean=np.asarray(norm["mean"], dtype=np.float32),
        rr_std=np.asarray(norm["std"], dtype=np.float32),
        threshold=threshold,
        relative_scores=relative,
    )


def _metrics_table(metrics: dict) -> list[str]:
    lines = []
    per_class = metrics.get("per_class")
    if per_class:
        lines += ["| class | n | Se % | +P % | F1 % |", "|---|---|---|---|---|"]
        for name, m in per_class.items():
            lines.append(
                f"| {name} | {m['support']} | {100 * m['se']:.1f} | {100 * m['ppv']:.1f} |"
                f" {100 * m['f1']:.1f} |"
            )
    scalars = {k: v for k, v in metrics.items() if isinstance(v, int | float)}
    if scalars:
        lines += [""] + [
            f"- {k}: {v}" if isinstance(v, int) else f"- {k}: {v:.4g}" for k, v in scalars.items()
        ]
    return lines


def write_model_card(folder: Path) -> None:
    """Render MODEL_CARD.md from config.json, metrics.json, threshold.json and eval-*.json."""
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    lines = [
        f"# Model card: {folder.name}",
        "",
        f"{config.get('description', '')}",
        "",
        "## Data and split",
        "",
        f"- dataset: {config['dataset']}",
        f"- classes: {', '.join(config['classes'])}",
    ]
    split = config.get("split", {})
    for key, value in split.items():
        lines.append(f"- {key}: {value if isinstance(value, str) else ' '.join(map(str, value))}")
    window = config.get("window", {})
    lines += [
        f"- input: {window}",
        f"- preprocessing: {config.get('preprocessing', '')}",
        "",
        "## Training",
        "",
        f"- model: `{config['model']}` {json.dumps(config['params'])} (n_leads counts input "
        "channels: leads, then as many difference channels with input beat+diff)",
        f"- parameters: {config.get('n_parameters', '?')}",
        f"- settings: {json.dumps(config.get('training', {}))}",
        f"- training time: {config.get('train_time_s', 0):.0f} s on "
        f"{config.get('threads', 'an unrecorded number of')} CPU thread(s), machine shared with "
        "other jobs",
        "",
        "Command:",
        "",
        "```",
        config.get("command", ""),
        "```",
    ]
    if (folder / "threshold.json").exists():
        threshold = json.loads((folder / "threshold.json").read_text())
        lines += [
            "",
            "## Threshold",
            "",
            f"- threshold: {threshold['threshold']:.6g}",
            f"- rule: {threshold['rule']}",
        ]
    held_out = "out of fold" if metrics.get("split") == "out of fold" else "validation split"
    lines += ["", f"## Validation metrics (held-out training data, {held_out})", ""]
    lines += _metrics_table(metrics)
    for path in sorted(folder.glob("eval-*.json")):
        result = json.loads(path.read_text())
        lines += ["", f"## Evaluation: {path.stem[5:]}", ""]
        if "command" in result:
            lines += ["```", result["command"], "```", ""]
        lines += _metrics_table(result)
    (folder / "MODEL_CARD.md").write_text("\n".join(lines) + "\n")
