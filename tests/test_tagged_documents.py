"""Tests of skcleanml.datasets.make_tagged_documents."""

import numpy as np
import pytest

from skcleanml.datasets import make_tagged_documents


def test_make_tagged_documents_table_and_errors():
    """Check the table's columns, the planted error count and their kinds."""
    data = make_tagged_documents(300, noise_rate=0.1, random_state=0)
    table = data.table
    assert list(table) == ["id", "text", "year", "tags"]
    assert all(len(column) == 300 for column in table.values())
    assert len(set(table["id"])) == 300 and not any(" " in i for i in table["id"])
    assert all(len(text.split()) >= 20 for text in table["text"])
    assert table["tags"] == ["|".join(tags) for tags in data.tags]
    assert set().union(*map(set, data.true_tags)) == set(data.tag_names)
    assert all(data.true_tags)  # every document has a true tag
    given = [set(tags) for tags in data.tags]
    true = [set(tags) for tags in data.true_tags]
    np.testing.assert_array_equal(data.is_error, [g != t for g, t in zip(given, true)])
    assert data.is_error.sum() == 30
    forgotten = sum(g < t for g, t in zip(given, true))
    added = sum(g > t for g, t in zip(given, true))
    replaced = data.is_error.sum() - forgotten - added
    assert forgotten > 0 and added > 0 and replaced > 0


def test_make_tagged_documents_deterministic():
    """Check that a seed gives the same documents and another seed others."""
    first = make_tagged_documents(50, n_tags=3, random_state=1)
    assert first.table == make_tagged_documents(50, n_tags=3, random_state=1).table
    assert first.table != make_tagged_documents(50, n_tags=3, random_state=2).table
    assert len(first.tag_names) == 3


def test_make_tagged_documents_no_noise():
    """Check that noise_rate=0 gives the true tags."""
    data = make_tagged_documents(40, noise_rate=0, random_state=0)
    assert data.tags == data.true_tags and not data.is_error.any()


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_tags": 7}, "n_tags"),
        ({"noise_rate": 1.5}, "noise_rate"),
        ({"topic_share": 0}, "topic_share"),
    ],
)
def test_make_tagged_documents_bad_parameters(params, match):
    """Check that out-of-range parameters raise a ValueError naming them."""
    with pytest.raises(ValueError, match=match):
        make_tagged_documents(10, **params)
