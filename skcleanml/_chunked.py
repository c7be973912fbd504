"""Labels and pred_probs read in chunks of rows, for data larger than memory.

The functional core reads its inputs through :class:`LabelData`. In-memory
arrays are validated once and handed out whole, as a single chunk. A
``np.memmap`` (pred_probs or dense labels), sparse labels, or an explicit
``batch_size`` switch to chunked reading: the inputs stay as they are (a memory
map on disk, sparse labels sparse), and each chunk of rows is validated and
converted to a dense boolean ``Y`` and a float ``P`` only when it is read, so
the working memory follows the chunk size rather than the data size.

Results never depend on the chunking: every step of the core is row-wise, an
integer count, a per-group selection in a total order, or a float64 sum
accumulated over fixed blocks of rows (:func:`add_label_sums`), whatever the
chunks.
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval

from skcleanml._labels import (
    LISTS_FORMAT,
    check_binary,
    check_labels,
    check_labels_lazily,
    check_pred_probs,
    pred_probs_array,
    probability_range,
    raise_for_probability_range,
)

# The constraint of every public function's ``batch_size``.
BATCH_SIZE = [Interval(Integral, 1, None, closed="left"), None]
# The automatic chunk holds about 1/8 of pred_probs, between these sizes: the
# temporaries of a chunk (a few times its size) then stay well below the size
# of pred_probs, and large data is read in large, efficient chunks.
AUTO_CHUNK_MAX_BYTES = 64 * 2**20
AUTO_CHUNK_MIN_BYTES = 2**20
# Float64 sums are accumulated over blocks of this many entries, aligned on
# row 0 (see add_label_sums); it is also the smallest chunk of the sum pass.
SUM_BLOCK_ENTRIES = 2**16


class LabelData:
    """Validated labels (``Y``, boolean) and pred_probs (``P``), in row chunks.

    Parameters
    ----------
    labels, pred_probs
        As given to the public functions.
    batch_size : int, default=None
        Rows per chunk; None reads in-memory inputs whole and chooses a size
        (about 1/8 of pred_probs, at most 64 MB) for chunked inputs.
    chunked : bool, default=False
        Read in chunks even in-memory inputs (cleanlab's ``low_memory``).

    Attributes
    ----------
    shape : tuple of int
        ``(n_samples, n_classes)``.
    batch_rows : int
        Rows per chunk (``n_samples`` when read whole).
    chunked : bool
        Whether the inputs are read chunk by chunk.
    """

    def __init__(self, labels, pred_probs, *, batch_size=None, chunked=False):
        self.chunked = (
            chunked
            or batch_size is not None
            or isinstance(pred_probs, np.memmap)
            or isinstance(labels, np.memmap)
            or sp.issparse(labels)
        )
        if not self.chunked:
            P = check_pred_probs(pred_probs)
            Y = check_labels(labels, P.shape[1], n_samples=P.shape[0])
            self._set_arrays(Y, P)
            return
        self._P = pred_probs_array(pred_probs)
        self.shape = self._P.shape
        self.batch_rows = batch_size or _auto_batch_rows(self._P)
        self._check_pred_probs_chunks()
        self._Y = check_labels_lazily(labels, self.shape[1], n_samples=self.shape[0])
        if not sp.issparse(self._Y):
            for start, stop in self.bounds():
                check_binary(self._Y[start:stop], alternative=LISTS_FORMAT)

    @classmethod
    def from_arrays(cls, Y, P):
        """Wrap already validated arrays (boolean ``Y``, float ``P``)."""
        data = cls.__new__(cls)
        data.chunked = False
        data._set_arrays(Y, P)
        return data

    def _set_arrays(self, Y, P):
        self._Y, self._P = Y, P
        self.shape = P.shape
        self.batch_rows = P.shape[0]

    def _check_pred_probs_chunks(self):
        finite, low, high = True, np.inf, -np.inf
        for start, stop in self.bounds():
            chunk_finite, chunk_low, chunk_high = probability_range(
                self._float_rows(start, stop)
            )
            if not chunk_finite:
                finite = False
                break
            low, high = min(low, chunk_low), max(high, chunk_high)
        raise_for_probability_range(finite, low, high)

    @property
    def dtype(self):
        """dtype of the ``P`` chunks: float32 stays float32, else float64."""
        return np.dtype(np.float32 if self._P.dtype == np.float32 else np.float64)

    def bounds(self, *, aligned=False):
        """``(start, stop)`` of each chunk.

        With ``aligned``, chunks are whole multiples of the sum block, so that
        :func:`add_label_sums` sees the same blocks whatever ``batch_rows``.
        """
        n_samples, step = self.shape[0], self.batch_rows
        if aligned and self.chunked:
            block = sum_block_rows(self.shape[1])
            step = max(block, step // block * block)
        return [(i, min(i + step, n_samples)) for i in range(0, n_samples, step)]

    def chunks(self, *, aligned=False):
        """Yield ``(start, Y, P)`` for each chunk of rows."""
        for start, stop in self.bounds(aligned=aligned):
            yield start, *self.rows(start, stop)

    def rows(self, start, stop):
        """Dense boolean ``Y`` and float ``P`` of rows ``start:stop``."""
        if not self.chunked:
            if (start, stop) == (0, self.shape[0]):
                return self._Y, self._P
            return self._Y[start:stop], self._P[start:stop]
        return self._label_rows(start, stop), self._float_rows(start, stop)

    def _float_rows(self, start, stop):
        rows = self._P[start:stop]
        return rows if rows.dtype == self.dtype else rows.astype(self.dtype)

    def _label_rows(self, start, stop):
        if not sp.issparse(self._Y):
            return self._Y[start:stop].astype(bool, copy=False)
        return _dense_rows(self._Y, start, stop)

    def whole(self):
        """``(Y, P)`` as whole arrays; only for data read whole."""
        if self.chunked:
            raise RuntimeError("chunked LabelData has no whole arrays")
        return self._Y, self._P


def _dense_rows(indicator, start, stop):
    """Rows ``start:stop`` of a boolean CSR array as a dense boolean array."""
    low, high = indicator.indptr[start], indicator.indptr[stop]
    lengths = np.diff(indicator.indptr[start : stop + 1])
    rows = np.repeat(np.arange(stop - start), lengths)
    values = indicator.data[low:high]
    dense = np.zeros((stop - start, indicator.shape[1]), dtype=bool)
    # Setting only the True entries: duplicates of an entry act as an "or".
    dense[rows[values], indicator.indices[low:high][values]] = True
    return dense


def _chunk_bytes(P):
    return int(np.clip(P.nbytes // 8, AUTO_CHUNK_MIN_BYTES, AUTO_CHUNK_MAX_BYTES))


def _auto_batch_rows(P):
    itemsize = 4 if P.dtype == np.float32 else 8
    return max(1, _chunk_bytes(P) // (P.shape[1] * itemsize))


def sum_block_rows(n_classes):
    """Rows of one block of :func:`add_label_sums`."""
    return max(1, SUM_BLOCK_ENTRIES // n_classes)


def add_label_sums(sums, Y, P, start):
    """Add the float64 sums of ``1 - P`` over absent and ``P`` over present labels.

    ``sums`` (shape (2, n_classes)) is updated in place, block by block: each
    block of :func:`sum_block_rows` rows is summed into a fresh C-ordered
    float64 array and added to the running total. Blocks are aligned on row
    0 (``start`` is the chunk's first row and must be a multiple of the block
    rows unless this is the only chunk), so the additions, and hence the
    rounding, are the same however the rows were chunked.
    """
    block = sum_block_rows(Y.shape[1])
    if start % block:
        raise ValueError("chunks must start on a sum block boundary")
    for low in range(0, len(P), block):
        Y_block, P_block = Y[low : low + block], P[low : low + block]
        complement = np.subtract(1, P_block, order="C")
        sums[0] += np.multiply(complement, ~Y_block, dtype=np.float64, order="C").sum(
            axis=0
        )
        del complement
        sums[1] += np.multiply(P_block, Y_block, dtype=np.float64, order="C").sum(
            axis=0
        )


def map_rows(data, function, rows=None):
    """``function(Y, P)`` over the rows (or the sorted ``rows``), chunk by chunk.

    ``function`` must be row-wise, returning one output row per input row;
    the outputs of the chunks are put together in row order.
    """
    if not data.chunked:
        Y, P = data.whole()
        return function(Y, P) if rows is None else function(Y[rows], P[rows])
    if rows is not None and len(rows) == 0:
        Y, P = data.rows(0, 1)
        return function(Y[:0], P[:0])
    out, filled = None, 0
    for start, stop in data.bounds():
        if rows is not None:
            low, high = np.searchsorted(rows, [start, stop])
            if low == high:
                continue  # no requested row here: don't even read the chunk
        Y, P = data.rows(start, stop)
        if rows is not None:
            local = rows[low:high] - start
            Y, P = Y[local], P[local]
        result = function(Y, P)
        if out is None:
            n_out = data.shape[0] if rows is None else len(rows)
            out = np.empty((n_out, *result.shape[1:]), dtype=result.dtype)
        out[filled : filled + len(result)] = result
        filled += len(result)
    return out
