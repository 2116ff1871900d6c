"""With two torch threads, inference runs batches side by side: the same numbers as one thread,
and the caller's thread count is left as it was."""

import numpy as np
import torch

from mlcore.infer import anomaly_scores, classify_beats, load_default_models
from tests.mlcore.test_infer import annotated_slice


def test_two_threads_give_the_one_thread_results_bit_for_bit(mitdb, tmp_path):
    beats, _ = annotated_slice(mitdb, tmp_path, "119", 120)
    models = load_default_models()
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = classify_beats(models.classifier, beats, batch_size=32)
        one_scores = anomaly_scores(models.autoencoder, beats, batch_size=32)
        torch.set_num_threads(2)
        two = classify_beats(models.classifier, beats, batch_size=32)
        two_scores = anomaly_scores(models.autoencoder, beats, batch_size=32)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert len(beats) > 4 * 32  # several batches, so they did run side by side
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one_scores, two_scores)
