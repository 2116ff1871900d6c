import pytest
import torch

from mlcore.models import CLASSIFIERS, ConvAutoencoder, build_model


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
@pytest.mark.parametrize(("leads", "length", "n_rr"), [(2, 252, 7), (1, 140, 0)])
def test_classifiers_return_one_logit_per_class(name, leads, length, n_rr):
    model = build_model(name, n_leads=leads, length=length, n_rr=n_rr, n_classes=5).eval()
    out = model(torch.randn(3, leads, length), torch.randn(3, n_rr))
    assert out.shape == (3, 5)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("length", [140, 252, 100])
def test_autoencoder_reconstructs_the_input_shape(length):
    model = ConvAutoencoder(n_leads=2, length=length).eval()
    x = torch.randn(4, 2, length)
    assert model(x).shape == x.shape
    score = model.score(x)
    assert score.shape == (4,)
    assert (score > 0).all()


def test_pooled_autoencoder_reconstructs_the_coarser_beat():
    model = ConvAutoencoder(n_leads=1, length=252, pool=2).eval()
    x = torch.randn(2, 1, 252)
    assert model(x).shape == (2, 1, 126)
    assert model.score(x).shape == (2,)


def test_combined_model_starts_as_the_classifier():
    params = {
        "classifier_name": "cnn",
        "classifier": {"n_leads": 2, "length": 252, "n_rr": 7, "n_classes": 5},
        "autoencoder": {"n_leads": 2, "length": 252},
        "n_classes": 5,
    }
    model = build_model("combined", **params).eval()
    x, rr = torch.randn(6, 2, 252), torch.randn(6, 7)
    with torch.inference_mode():
        assert torch.allclose(model(x, rr), model.classifier(x, rr))


def test_unknown_model_name_is_refused():
    with pytest.raises(ValueError, match="unknown model"):
        build_model("svm")
