"""Review queue: a documents CSV, its flagged tags, Label Studio and back.
=======================================================================

The commonest multi-label table: an id, a text and a column of tags
(``politics|health``). ``CleanMultiLabel`` flags the documents whose tags look
wrong; ``get_label_issues`` gives one row per document with the suggested
tags; ``to_label_studio`` turns the flagged ones into Label Studio tasks,
worst first, with the suggestion pre-filled; after the review,
``from_label_studio`` reads Label Studio's JSON export back into the reviewed
tags per id, which are written back to the table.

The command line does the first half in one line::

    python -m skcleanml find-issues docs.csv --tags tags --format label-studio \\
        -o review.json

Run it from any directory (``python examples/review_label_studio.py``); it
writes ``docs.csv``, ``review.json``, ``review.xml`` and
``docs_reviewed.csv`` there.
"""

import csv
import json

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skcleanml import (
    CleanMultiLabel,
    from_label_studio,
    label_studio_config,
    to_label_studio,
)
from skcleanml.datasets import make_tagged_documents

# %%
# A documents table with planted tag errors (forgotten, added and replaced
# tags on 12% of the documents), saved as the CSV file a team would have.
data = make_tagged_documents(600, random_state=0)
with open("docs.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f)
    writer.writerow(list(data.table))
    writer.writerows(zip(*data.table.values()))

with open("docs.csv", newline="", encoding="utf-8") as f:
    records = list(csv.DictReader(f))
texts = [record["text"] for record in records]
tag_sets = [set(record["tags"].split("|")) - {""} for record in records]
tag_names = sorted(set().union(*tag_sets))
Y = np.array([[name in tags for name in tag_names] for tags in tag_sets], dtype=int)
print(f"{len(records)} documents, tags {tag_names}")

# %%
# Find the issues: TF-IDF features and a logistic regression, refitted per
# fold inside CleanMultiLabel. ``get_label_issues`` gives one row per
# document, with the tags to add and to remove (class indices here, since
# ``Y`` is an indicator; names for a DataFrame ``y``).
clean = CleanMultiLabel(
    make_pipeline(TfidfVectorizer(sublinear_tf=True), LogisticRegression()),
    random_state=0,
)
clean.fit(texts, Y)
issues = clean.get_label_issues(as_frame=False)
for key in ("given_label", "suggested_label", "labels_to_add", "labels_to_remove"):
    issues[key] = [[tag_names[k] for k in row] for row in issues[key]]
found = issues["is_label_issue"]
print(
    f"{found.sum()} documents flagged, {(found & data.is_error).sum()} of the "
    f"{data.is_error.sum()} with a planted error among them"
)
for i in clean.label_issues_[:3]:
    print(
        f"  {records[i]['id']}: given {issues['given_label'][i]}, "
        f"add {issues['labels_to_add'][i]}, remove {issues['labels_to_remove'][i]}"
    )

# %%
# The review queue: one Label Studio task per flagged document, worst first
# (its prediction's score is the label quality, lowest first), and the
# labeling config to paste into the project's settings.
tasks = to_label_studio(issues, records, text=["text"], id="id")
with open("review.json", "w", encoding="utf-8") as f:
    json.dump(tasks, f, indent=1)
with open("review.xml", "w", encoding="utf-8") as f:
    f.write(label_studio_config(tag_names, text=["text"]))
print(f"\n{len(tasks)} tasks in review.json; the first:")
print(json.dumps(tasks[0], indent=1)[:600], "...")

# %%
# Reviewers accept or correct the suggestions in Label Studio, then export
# the project as JSON. Here the export is simulated: a reviewer who knows the
# true tags annotates every task.
true_tags = {record["id"]: tags for record, tags in zip(records, data.true_tags)}
export = [
    {
        **task,
        "annotations": [
            {
                "result": [
                    {
                        "from_name": "tags",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": true_tags[task["data"]["id"]]},
                    }
                ],
                "was_cancelled": False,
            }
        ],
    }
    for task in tasks
]

# %%
# Back to the table: the reviewed tags, mapped by id, replace the given ones.
reviewed = from_label_studio(export, id="id")
with open("docs_reviewed.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(records[0]))
    writer.writeheader()
    for record in records:
        if record["id"] in reviewed:
            record = {**record, "tags": "|".join(reviewed[record["id"]])}
        writer.writerow(record)

with open("docs_reviewed.csv", newline="", encoding="utf-8") as f:
    after = [set(row["tags"].split("|")) - {""} for row in csv.DictReader(f)]
wrong_before = sum(g != set(t) for g, t in zip(tag_sets, data.true_tags))
wrong_after = sum(g != set(t) for g, t in zip(after, data.true_tags))
print(
    f"\n{len(reviewed)} documents reviewed; documents with wrong tags: "
    f"{wrong_before} before, {wrong_after} after (wrote docs_reviewed.csv)"
)
