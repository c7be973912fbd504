"""Tagged text documents with planted tag errors, public in :mod:`skcleanml.datasets`.

The shape of the commonest multi-label table: an id, a free-text column, a
number and one tags column (``"politics|health"``). The text is English-like:
sentences of common words with the vocabulary of the document's topics mixed
in, some words shared between topics and a few off-topic words, so that no
single word decides a tag.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["make_tagged_documents"]

_TOPICS = (
    (
        "politics",
        "election vote parliament minister policy campaign senator law "
        "government party coalition debate reform ballot mayor council budget",
    ),
    (
        "business",
        "market company shares profit revenue investors bank quarterly "
        "merger startup economy prices trade customers budget growth deal",
    ),
    (
        "technology",
        "software data cloud app algorithm device chip network users "
        "security internet platform digital code online growth startup",
    ),
    (
        "science",
        "research study scientists experiment university climate species "
        "laboratory physics discovery cells journal theory evidence data",
    ),
    (
        "health",
        "patients hospital doctors vaccine treatment disease medical clinic "
        "symptoms nurses drug therapy care study policy",
    ),
    (
        "sport",
        "match team season coach league players goal championship "
        "tournament fans score victory training stadium deal",
    ),
)
_COMMON = (
    "the a of to and in that for on with as said was is it by at from this have "
    "has year new people about after more their over would will also but not two "
    "some first last week could been many most other into than when which they "
    "there what just time now may while like back only still even before because "
    "three make made well our where those both since around during under between "
    "today report local official group part plan months told expected"
).split()
_OFF_TOPIC_SHARE = 0.03  # of its words come from a topic it does not have


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_tags": [Interval(Integral, 2, len(_TOPICS), closed="both")],
        "noise_rate": [Interval(Real, 0, 1, closed="both")],
        "topic_share": [Interval(Real, 0, 0.97, closed="right")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_tagged_documents(
    n_samples=900, *, n_tags=6, noise_rate=0.12, topic_share=0.3, random_state=None
):
    """Generate tagged text documents, a fraction of them with wrong tags.

    Every document has one to three true tags (topics) and 20 to 90 words in
    sentences: mostly common words, a share `topic_share` drawn from its
    topics' vocabularies (which share some words) and 3% from another topic.
    Then ``round(noise_rate * n_samples)`` documents get a tag error, in
    equal parts: a forgotten tag (one true tag dropped, in documents with
    several), a wrong tag added, and a tag replaced by a wrong one.

    Parameters
    ----------
    n_samples : int, default=900
        Number of documents.

    n_tags : int, default=6
        Number of tags, at most 6.

    noise_rate : float, default=0.12
        Fraction of the documents, in [0, 1], whose given tags are wrong.

    topic_share : float, default=0.3
        Fraction of a document's words, in (0, 0.97], drawn from its topics'
        vocabularies; lower makes the tags harder to tell from the text.

    random_state : int, RandomState instance or None, default=None
        Seed of the documents, tags and errors.

    Returns
    -------
    data : sklearn.utils.Bunch
        - ``table``: dict of equally long columns, ready for a CSV file or
          ``pandas.DataFrame``: ``"id"`` (``"doc-00001"``...), ``"text"``,
          ``"year"`` (an int unrelated to the tags) and ``"tags"`` (the
          given tags joined by ``"|"``);
        - ``text``: list of the documents;
        - ``tags``, ``true_tags``: lists of the given and true tag names;
        - ``is_error``: bool ndarray, True where ``tags != true_tags``;
        - ``tag_names``: list of the tag names.

    Examples
    --------
    >>> from skcleanml.datasets import make_tagged_documents
    >>> data = make_tagged_documents(100, random_state=0)
    >>> sorted(data.table)
    ['id', 'tags', 'text', 'year']
    >>> int(data.is_error.sum())
    12
    >>> data.tag_names
    ['politics', 'business', 'technology', 'science', 'health', 'sport']
    """
    rng = check_random_state(random_state)
    names = [name for name, _ in _TOPICS[:n_tags]]
    vocabulary = [words.split() for _, words in _TOPICS[:n_tags]]
    true = _draw_tags(n_samples, n_tags, rng)
    text = [_write_document(row, vocabulary, topic_share, rng) for row in true]
    given, is_error = _plant_errors(true, noise_rate, rng)

    def tag_lists(Y):
        return [[names[k] for k in np.flatnonzero(row)] for row in Y]

    tags = tag_lists(given)
    table = {
        "id": [f"doc-{i + 1:05d}" for i in range(n_samples)],
        "text": text,
        "year": rng.randint(2010, 2025, n_samples).tolist(),
        "tags": ["|".join(row) for row in tags],
    }
    return Bunch(
        table=table,
        text=text,
        tags=tags,
        true_tags=tag_lists(true),
        is_error=is_error,
        tag_names=names,
    )


def _draw_tags(n_samples, n_tags, rng):
    """One main tag (uneven frequencies), a second with p=0.35, a third 0.1."""
    weights = np.linspace(2, 1, n_tags)
    Y = np.zeros((n_samples, n_tags), dtype=bool)
    Y[
        np.arange(n_samples), rng.choice(n_tags, n_samples, p=weights / weights.sum())
    ] = 1
    for p in (0.35, 0.1):
        extra = rng.random(n_samples) < p
        Y[np.flatnonzero(extra), rng.randint(n_tags, size=int(extra.sum()))] = True
    return Y


def _write_document(tags, vocabulary, topic_share, rng):
    topics = np.flatnonzero(tags)
    others = np.flatnonzero(~tags)
    words = []
    for _ in range(int(rng.randint(20, 91))):
        u = rng.random()
        if u < topic_share:
            pool = vocabulary[rng.choice(topics)]
        elif u < topic_share + _OFF_TOPIC_SHARE and others.size:
            pool = vocabulary[rng.choice(others)]
        else:
            pool = _COMMON
        words.append(pool[rng.randint(len(pool))])
    return _sentences(words, rng)


def _sentences(words, rng):
    sentences, start = [], 0
    while start < len(words):
        stop = start + int(rng.randint(7, 16))
        sentence = " ".join(words[start:stop])
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        start = stop
    return " ".join(sentences)


def _plant_errors(true, noise_rate, rng):
    """Forgotten, added and replaced tags on ``round(noise_rate * n)`` rows."""
    n_samples = true.shape[0]
    given = true.copy()
    rows = rng.permutation(n_samples)[: round(noise_rate * n_samples)]
    for i, row in enumerate(rows):
        present, absent = np.flatnonzero(true[row]), np.flatnonzero(~true[row])
        kind = i % 3
        if kind == 0 and present.size < 2:
            kind = 1  # a forgotten tag needs another tag left
        if kind in (0, 2):
            given[row, rng.choice(present)] = False
        if kind in (1, 2):
            given[row, rng.choice(absent)] = True
    return given, (given != true).any(axis=1)
