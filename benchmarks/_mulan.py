"""Load the Mulan multi-label data sets in ``benchmarks/data/`` (gzip ARFF).

The files are the published train/test splits of the Mulan collection
(``benchmarks/data/README.md`` gives their sources, to cite with any result).
ARFF rows are dense (``v1,v2,...``) or sparse (``{index value, ...}``, which
``scipy.io.arff`` does not read); the label attributes are those named in the
data set's Mulan XML header, every other attribute is a feature.
"""

import gzip
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

DATA_DIR = Path(__file__).parent / "data"
DATASETS = ("emotions", "scene", "yeast", "bibtex")
_ATTRIBUTE = re.compile(r"@attribute\s+('(?:[^']|\\')*'|\S+)\s+(.+)", re.IGNORECASE)


class MultiLabelSplit(NamedTuple):
    """Features (dense ndarray or CSR) and 0/1 int8 labels of one split."""

    X: object
    Y: np.ndarray


def label_names(name):
    """Label attribute names of data set `name`, from its Mulan XML header."""
    root = ET.parse(DATA_DIR / f"{name}.xml").getroot()
    return [element.get("name") for element in root.iter() if element.get("name")]


def read_arff(path):
    """Read a (gzip) ARFF file: attribute names and a CSR matrix of its values.

    Nominal values must be numbers (Mulan's labels are ``{0,1}``); missing
    values (``?``) are not supported.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    names, rows, cols, values, n_rows = [], [], [], [], 0
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in _header(lines, names):
            line = line.strip()
            if not line or line.startswith("%"):
                continue
            if line.startswith("{"):  # sparse row: {index value, ...}
                pairs = [item.split() for item in line[1:-1].split(",") if item.strip()]
                index = [int(i) for i, _ in pairs]
                row_values = [float(v) for _, v in pairs]
            else:
                row_values = [float(v) for v in line.split(",")]
                index = range(len(row_values))
            rows.extend([n_rows] * len(row_values))
            cols.extend(index)
            values.extend(row_values)
            n_rows += 1
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(n_rows, len(names)))
    matrix.eliminate_zeros()
    return names, matrix


def _header(lines, names):
    """Consume the header into `names`; return the iterator at the data."""
    for line in lines:
        match = _ATTRIBUTE.match(line.strip())
        if match:
            names.append(match.group(1).strip("'"))
        elif line.strip().lower().startswith("@data"):
            return lines
    raise ValueError("ARFF file has no @data section")


def load(name, split="train"):
    """Features and labels of one published split of data set `name`.

    Dense data sets give a float64 ndarray, bibtex (sparse ARFF) a CSR
    matrix of 0/1 word features.
    """
    attributes, matrix = read_arff(DATA_DIR / f"{name}-{split}.arff.gz")
    labels = set(label_names(name))
    is_label = np.array([a in labels for a in attributes])
    Y = matrix[:, np.flatnonzero(is_label)].toarray().astype(np.int8)
    X = matrix[:, np.flatnonzero(~is_label)]
    return MultiLabelSplit(X.toarray() if name != "bibtex" else X.tocsr(), Y)
