"""Tests of the annotator noise models (skcleanml.noise.annotator_noise)."""

import numpy as np
import pytest

from skcleanml.noise import annotator_noise


def _clean(seed=0, n=2000, n_classes=6):
    rng = np.random.default_rng(seed)
    Y = rng.random((n, n_classes)) < np.linspace(0.1, 0.5, n_classes)
    Y[:, 1] |= Y[:, 0]  # class 1 co-occurs with class 0
    Y[Y.sum(axis=1) == 0, 2] = True  # every example has a tag
    return Y.astype(np.int64)


def test_forget_only_drops_tags_at_the_rate():
    """Check that forgetting removes present tags, at about the given rate."""
    Y = _clean()
    noisy = annotator_noise(Y, forget=0.2, random_state=0)
    assert not np.any((noisy == 1) & (Y == 0))
    dropped = ((Y == 1) & (noisy == 0)).sum() / Y.sum()
    assert abs(dropped - 0.2) < 0.02


def test_spurious_adds_one_tag_to_a_share_of_examples():
    """Check that spurious tags are added, one per example, popular ones more often."""
    Y = _clean()
    noisy = annotator_noise(Y, spurious=0.15, random_state=0)
    added = (noisy == 1) & (Y == 0)
    assert not np.any((noisy == 0) & (Y == 1))
    assert added.sum(axis=1).max() == 1
    assert abs(added.any(axis=1).mean() - 0.15) < 0.03
    assert added[:, 5].sum() > added[:, 0].sum()  # class 5 is the most frequent


@pytest.mark.parametrize("related", ["cooccurrence", "features"])
def test_confuse_replaces_one_tag_keeping_the_count(related):
    """Check that a confused example swaps one tag for one it lacked."""
    Y = _clean()
    X = np.random.default_rng(1).normal(size=(Y.shape[0], 3)) + Y[:, :3]
    noisy = annotator_noise(Y, confuse=0.2, X=X, related=related, random_state=0)
    changed = (noisy != Y).any(axis=1)
    np.testing.assert_array_equal(noisy.sum(axis=1), Y.sum(axis=1))
    np.testing.assert_array_equal((noisy != Y).sum(axis=1)[changed], 2)
    assert abs(changed.mean() - 0.2) < 0.03


def test_confusion_follows_cooccurrence():
    """Check that co-occurrence confusion prefers tags seen together."""
    Y = np.zeros((3000, 4), dtype=int)
    Y[:1000, [0, 1]] = 1  # 0 and 1 co-occur; 2 and 3 stand alone
    Y[1000:2000, 0] = 1
    Y[2000:, 3] = 1
    noisy = annotator_noise(Y, confuse=0.5, random_state=0)
    gained = (noisy == 1) & (Y == 0)
    lost_zero = (Y[:, 0] == 1) & (noisy[:, 0] == 0)
    # Examples that lost tag 0 mostly gained its companion, tag 1.
    assert gained[lost_zero & (Y[:, 1] == 0), 1].mean() > 0.9


def test_deterministic_new_array_and_same_dtype():
    """Check determinism under random_state, no input mutation, dtype kept."""
    Y = _clean().astype(np.uint8)
    before = Y.copy()
    first = annotator_noise(Y, forget=0.1, confuse=0.1, spurious=0.1, random_state=3)
    second = annotator_noise(Y, forget=0.1, confuse=0.1, spurious=0.1, random_state=3)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(Y, before)
    assert first.dtype == np.uint8 and first is not Y


def test_no_noise_returns_a_copy():
    """Check that zero rates change nothing."""
    Y = _clean()
    np.testing.assert_array_equal(annotator_noise(Y, random_state=0), Y)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"forget": 1.5}, ValueError, "forget"),
        ({"confuse": 0.1, "related": "features"}, ValueError, "needs the features X"),
        ({"related": "nearby"}, ValueError, "related"),
    ],
)
def test_bad_input(kwargs, error, match):
    """Check that bad parameters raise a clear error naming them."""
    with pytest.raises(error, match=match):
        annotator_noise(_clean(), **kwargs)


def test_bad_labels():
    """Check that non-0/1 labels are refused, naming Y."""
    with pytest.raises(ValueError, match="Y"):
        annotator_noise(np.full((3, 2), 2), forget=0.1)
