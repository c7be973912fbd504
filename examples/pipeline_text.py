"""A text-like Pipeline: tag documents, find the tags that look wrong.
===================================================================

Documents are bags of topic words; each topic is a tag, and some tags were
dropped or added by mistake. ``CleanMultiLabel`` wraps the whole Pipeline
(vectorizer + classifier), so every cross-validation fold refits the
vectorizer on its own training rows, and the raw strings go in unchanged.
"""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skcleanml import CleanMultiLabel
from skcleanml.noise import flip_multilabel

TOPICS = {
    "sports": "match goal team score league coach player season",
    "politics": "vote election party senate law policy minister debate",
    "science": "experiment theory data research lab physics cell study",
    "finance": "market stock bank rate invest profit price fund",
}
rng = np.random.default_rng(0)
n_docs, names = 600, list(TOPICS)
true_tags = rng.random((n_docs, len(names))) < 0.3
true_tags[~true_tags.any(axis=1), 0] = True  # every document has a topic
vocabulary = {name: words.split() for name, words in TOPICS.items()}


def write_document(tags):
    """Twelve words drawn from the vocabularies of the document's topics."""
    words = [word for name, on in zip(names, tags) if on for word in vocabulary[name]]
    return " ".join(rng.choice(words, 12))


documents = [write_document(tags) for tags in true_tags]
given_tags = flip_multilabel(
    true_tags.astype(int), drop_rate=0.08, add_rate=0.04, random_state=0
)
is_error = (given_tags != true_tags).any(axis=1)

model = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10))
clean = CleanMultiLabel(model, random_state=0).fit(documents, given_tags)

found = clean.label_issues_mask_
print(
    f"{is_error.sum()} documents have a wrong tag; {found.sum()} flagged, "
    f"{(found & is_error).sum()} of them correctly."
)
for i in clean.label_issues_[:5]:
    given = [names[k] for k in np.flatnonzero(given_tags[i])]
    wrong = [names[k] for k in np.flatnonzero(clean.per_class_label_issues_[i])]
    print(f"  doc {i}: '{documents[i][:48]}...' given {given}, check {wrong}")
print(
    "Predicted tags of a new document:",
    [names[k] for k in np.flatnonzero(clean.predict(["stock price vote law"])[0])],
)
