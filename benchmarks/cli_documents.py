"""Precision and recall of ``find-issues`` on tagged documents, no option given.

Usage: ``python benchmarks/cli_documents.py [--quick] [--seeds N]``

For each seed, :func:`skcleanml.datasets.make_tagged_documents` writes a CSV
of 900 documents (an id, the text, a year, a ``|``-separated tags column with
6 tags; 12% of the documents have a forgotten, added or replaced tag) and the
command the issue targets runs in a fresh interpreter::

    python -m skcleanml find-issues docs.csv --tags tags --tag-sep '|' -o out.csv

Precision and recall are those of ``is_label_issue`` against the documents
with a planted error. Two text difficulties: the generator's default (30% of
a document's words from its topics) and a harder one (15%), where a linear
model on TF-IDF features is less sure and more correct tags are flagged.
The script also checks that the output has one row per input row with the
id carried through. It measures the command with
whatever defaults ``CleanMultiLabel`` has, so rerun it after changing them.
``--quick`` runs one seed per difficulty (about 30 s); the default runs 5. Results are
printed as a Markdown table, not written anywhere.
"""

import argparse
import csv
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from skcleanml.datasets import make_tagged_documents  # noqa: E402

COMMAND = ["find-issues", "docs.csv", "--tags", "tags", "--tag-sep", "|"]


def run_seed(seed, topic_share, directory):
    """Write the documents of `seed`, run the command; return its figures."""
    data = make_tagged_documents(
        900, noise_rate=0.12, topic_share=topic_share, random_state=seed
    )
    with open(directory / "docs.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(list(data.table))
        writer.writerows(zip(*data.table.values()))
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "skcleanml", *COMMAND, "-o", "out.csv"],
        cwd=directory,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    with open(directory / "out.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if [row["id"] for row in rows] != data.table["id"]:
        raise AssertionError("the output does not carry the ids, one row per input")
    found = np.array([row["is_label_issue"] == "1" for row in rows])
    hits = int((found & data.is_error).sum())
    return {
        "topic share": topic_share,
        "seed": seed,
        "errors": int(data.is_error.sum()),
        "flagged": int(found.sum()),
        "precision": hits / max(found.sum(), 1),
        "recall": hits / data.is_error.sum(),
        "seconds": seconds,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one seed")
    parser.add_argument("--seeds", type=int, default=5, help="default: 5")
    args = parser.parse_args(argv)
    seeds = range(1 if args.quick else args.seeds)
    print(f"`python -m skcleanml {shlex.join(COMMAND)} -o out.csv`, 900 documents\n")
    print("| topic share | seed | planted | flagged | precision | recall | seconds |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for share in (0.3, 0.15):
            results = [run_seed(seed, share, Path(tmp)) for seed in seeds]
            for r in results:
                print(
                    f"| {share} | {r['seed']} | {r['errors']} | {r['flagged']} | "
                    f"{r['precision']:.3f} | {r['recall']:.3f} | {r['seconds']:.1f} |"
                )
            summary.append((share, results))
    for share, results in summary:
        mean = {k: np.mean([r[k] for r in results]) for k in ("precision", "recall")}
        low = {k: min(r[k] for r in results) for k in ("precision", "recall")}
        print(
            f"\ntopic share {share}: mean precision {mean['precision']:.3f} "
            f"(min {low['precision']:.3f}), mean recall {mean['recall']:.3f} "
            f"(min {low['recall']:.3f})"
        )


if __name__ == "__main__":
    main()
