"""Labels and pred_probs read in chunks of rows, for data larger than memory.

The functional core reads its inputs through :class:`LabelData`. In-memory
arrays are validated once and handed out whole, as a single chunk. A
``np.memmap`` (pred_probs or dense labels), sparse labels, or an explicit
``batch_size`` switch to chunked reading: the inputs stay as they are (a memory
map on disk, sparse labels sparse), and each chunk of rows is validated and
converted to a dense boolean ``Y`` and a float ``P`` only when it is read, so
the working memory follows the chunk size rather than the data size.

Results never depend on the chunking: every step of the core is row-wise, an
integer count, a selection among a few entries, or a float64 sum accumulated
over fixed blocks of rows (:func:`add_label_sums`), whatever the chunks.
"""

import numpy as np
import scipy.sparse as sp

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

# The automatic chunk holds about 1/8 of pred_probs, between these sizes: the
# temporaries of a chunk (a few times its size) then stay well below the size
# of pred_probs, and large data is read in large, efficient chunks.
AUTO_CHUNK_MAX_BYTES = 64 * 2**20
AUTO_CHUNK_MIN_BYTES = 2**20
# A chunked pass keeps at least this many disagreeing entries in memory.
MIN_CANDIDATE_BUDGET = 2**14
# Float64 sums are accumulated over blocks of this many entries, aligned on
# row 0 (see add_label_sums); it is also the smallest chunk of the sum pass.
SUM_BLOCK_ENTRIES = 2**16


def is_chunked(labels, pred_probs, batch_size):
    """Whether the inputs are read in chunks rather than validated whole."""
    return (
        batch_size is not None
        or isinstance(pred_probs, np.memmap)
        or isinstance(labels, np.memmap)
        or sp.issparse(labels)
    )


class LabelData:
    """Validated labels (``Y``, boolean) and pred_probs (``P``), in row chunks.

    Parameters
    ----------
    labels, pred_probs
        As given to the public functions.
    batch_size : int, default=None
        Rows per chunk; None reads in-memory inputs whole and chooses a size
        (about 1/8 of pred_probs, at most 64 MB) for chunked inputs.

    Attributes
    ----------
    shape : tuple of int
        ``(n_samples, n_classes)``.
    batch_rows : int
        Rows per chunk (``n_samples`` when read whole).
    chunked : bool
        Whether the inputs are read chunk by chunk.
    """

    def __init__(self, labels, pred_probs, *, batch_size=None):
        self.chunked = is_chunked(labels, pred_probs, batch_size)
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

    def columns(self, ks):
        """``Y[:, ks]`` and ``P[:, ks]`` as arrays of shape (n_samples, len(ks))."""
        if not self.chunked:
            return self._Y[:, ks], self._P[:, ks]
        Y = np.empty((self.shape[0], len(ks)), dtype=bool)
        P = np.empty((self.shape[0], len(ks)), dtype=self.dtype)
        for start, Y_rows, P_rows in self.chunks():
            stop = start + len(P_rows)
            Y[start:stop], P[start:stop] = Y_rows[:, ks], P_rows[:, ks]
        return Y, P

    def column_budget(self):
        """How many whole columns :meth:`columns` may gather at once."""
        if not self.chunked:
            return self.shape[1]
        per_column = self.shape[0] * (self.dtype.itemsize + 1)
        return max(1, _chunk_bytes(self._P) // per_column)

    def candidate_budget(self):
        """How many selected entries a chunked pass may keep (about 50 bytes each).

        A quarter of pred_probs' size, so that candidates, chunk temporaries
        and outputs together stay under the size of pred_probs.
        """
        if not self.chunked:
            return np.inf
        n_bytes = self.shape[0] * self.shape[1] * self._P.itemsize
        return max(MIN_CANDIDATE_BUDGET, n_bytes // 200)


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


class IssueSink:
    """The output of a filter, filled chunk by chunk.

    Per class, a boolean (n_samples, n_classes) array; otherwise one boolean
    per example, True when any of its annotations is flagged. The array is
    allocated on first use, after the temporaries of a single-chunk pass are
    freed.
    """

    def __init__(self, shape, *, per_class):
        self.per_class = per_class
        self._shape = shape if per_class else shape[:1]
        self._result = None

    @property
    def result(self):
        if self._result is None:
            self._result = np.zeros(self._shape, dtype=bool)
        return self._result

    def add_rows(self, start, issues):
        """Flag the True entries of ``issues``, a chunk starting at row ``start``."""
        stop = start + len(issues)
        if self._result is None and self.per_class and stop - start == self._shape[0]:
            self._result = issues  # the whole data in one chunk: no copy
        elif self.per_class:
            self.result[start:stop] |= issues
        else:
            self.result[start:stop] |= issues.any(axis=1)

    def add_entries(self, rows, cols):
        """Flag the entries at ``(rows, cols)``."""
        if self.per_class:
            self.result[rows, cols] = True
        else:
            self.result[rows] = True


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


class Entries:
    """Entries of the (n_samples, n_classes) data: rows, columns, Y and P values."""

    def __init__(self, rows, cols, given, p):
        self.rows, self.cols, self.given, self.p = rows, cols, given, p

    @classmethod
    def where(cls, mask, start, Y, P):
        """The True entries of ``mask``, a chunk starting at row ``start``."""
        rows, cols = np.nonzero(mask)
        entries = cls(rows, cols, Y[rows, cols], P[rows, cols])
        if start:
            entries.rows += start
        return entries

    @classmethod
    def concatenate(cls, parts, dtype):
        if not parts:
            empty = np.empty(0, dtype=np.intp)
            return cls(empty, empty, empty.astype(bool), empty.astype(dtype))
        if len(parts) == 1:
            return parts[0]
        fields = ("rows", "cols", "given", "p")
        return cls(*(np.concatenate([getattr(e, f) for e in parts]) for f in fields))

    @classmethod
    def empty(cls, size, dtype):
        rows, cols = np.empty(size, dtype=np.intp), np.empty(size, dtype=np.intp)
        return cls(rows, cols, np.empty(size, dtype=bool), np.empty(size, dtype=dtype))

    def put(self, offset, entries):
        """Copy ``entries`` in at ``offset``; return the offset after them."""
        stop = offset + len(entries)
        for field in ("rows", "cols", "given", "p"):
            getattr(self, field)[offset:stop] = getattr(entries, field)
        return stop

    def __len__(self):
        return len(self.rows)

    def take(self, index):
        return Entries(
            self.rows[index], self.cols[index], self.given[index], self.p[index]
        )

    def groups(self, by_class):
        """Group of each entry: its class, or ``2 * class + given label``."""
        return self.cols if by_class else 2 * self.cols + self.given


class Criterion:
    """Keep, in each group, the ``counts[group]`` entries with the lowest key.

    ``key_of(p, given)`` computes the key elementwise. The entries are a subset
    of each group (the ones the model disagrees with); every other entry of a
    group has a key of at least ``bound``, and when ``strict`` the entries'
    keys are known to be strictly below it, so a group whose count covers all
    its entries keeps them all without computing a key.
    """

    def __init__(self, key_of, counts, bound, *, strict=True):
        self.key_of, self.counts = key_of, np.asarray(counts).ravel()
        self.bound, self.strict = bound, strict


class CandidateScan:
    """Candidate entries, counted per (class, given label) and kept within a budget.

    The filters pass the entries where the model disagrees with the given
    label: only those can be flagged, and their keys (self-confidence below
    0.5, negative margin) are below those of the agreeing entries of their
    group, so a group's lowest entries are found among them, a small set.
    When they exceed the budget, only their counts are kept (``overflow``)
    and the caller reads them again in budget-sized sweeps.
    """

    def __init__(self, data):
        self.sizes = np.zeros(2 * data.shape[1], dtype=np.int64)
        self.budget, self.dtype = data.candidate_budget(), data.dtype
        self.parts, self.kept, self.overflow = [], 0, False

    def add(self, start, Y, P, mask):
        """Count (and keep, within the budget) the True entries of ``mask``."""
        if not self.overflow and self.budget < np.inf:
            self.overflow = self.kept + np.count_nonzero(mask) > self.budget
            if self.overflow:
                self.parts = []
        if self.overflow:  # counted without listing them
            present = np.count_nonzero(mask & Y, axis=0)
            self.sizes[1::2] += present
            self.sizes[0::2] += np.count_nonzero(mask, axis=0) - present
            return
        entries = Entries.where(mask, start, Y, P)
        self.sizes += np.bincount(entries.groups(False), minlength=len(self.sizes))
        self.parts.append(entries)
        self.kept += len(entries)

    def group_sizes(self, by_class):
        return self.sizes.reshape(-1, 2).sum(axis=1) if by_class else self.sizes


def plan_sweeps(sizes, status, budget):
    """Split the selecting groups into passes of at most ``budget`` entries."""
    sweeps, current, total = [], [], 0
    for group in np.flatnonzero(status == 2):
        if current and total + sizes[group] > budget:
            sweeps.append(current)
            current, total = [], 0
        current.append(group)
        total += sizes[group]
    return [*sweeps, current]


def group_status(sizes, criteria):
    """Per group: 0 flag nothing, 1 flag all its entries, 2 select among them."""
    status = np.full(sizes.shape, 2, dtype=np.int8)
    covered = np.ones(sizes.shape, dtype=bool)
    for criterion in criteria:
        covered &= criterion.strict & (criterion.counts >= sizes)
    status[covered] = 1
    for criterion in criteria:
        status[(criterion.counts == 0) | (sizes == 0)] = 0
    return status


def keep_lowest(data, entries, criteria, *, by_class):
    """Mask of ``entries`` kept by every criterion, exactly as a full sort would.

    Within a group, the ``count`` lowest keys of its entries are the ``count``
    lowest of the whole group when no tie must be split at the cut-off and
    the cut-off is below the other entries' ``bound``. Otherwise the group's
    whole column is read (chunk by chunk when chunked) and sorted with
    NumPy's default ``argsort``, so that ties are split as a sort-based
    implementation splits them.
    """
    group = entries.groups(by_class)
    order = np.argsort(group, kind="stable")  # entries in row order per group
    n_groups = data.shape[1] * (1 if by_class else 2)
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1))
    keep = np.ones(len(entries), dtype=bool)
    pending = []
    for criterion in criteria:
        sizes = np.diff(bounds)
        # Groups whose count covers their entries keep them all.
        needed = (sizes > criterion.counts) | (not criterion.strict)
        for g in np.flatnonzero(needed & (sizes > 0)):
            members = order[bounds[g] : bounds[g + 1]]
            chosen = _lowest_members(entries.take(members), criterion, g)
            if chosen is None:
                pending.append((criterion, g, members))
            else:
                keep[members[~chosen]] = False
    for criterion, g, members, flagged in _sorted_groups(data, pending, by_class):
        keep[members[~np.isin(entries.rows[members], flagged)]] = False
    return keep


def _lowest_members(members, criterion, group):
    """Mask of the members among the lowest; None when the whole group matters."""
    count = criterion.counts[group]
    if count == 0:
        return np.zeros(len(members), dtype=bool)
    key = criterion.key_of(members.p, members.given)
    if count >= len(members):
        chosen = np.ones(len(members), dtype=bool)
    else:
        cutoff = np.partition(key, count - 1)[count - 1]
        chosen = key <= cutoff
        if np.count_nonzero(chosen) != count:
            return None
    return chosen if key[chosen].max() < criterion.bound else None


def _sorted_groups(data, pending, by_class):
    """Yield ``(criterion, group, members, flagged rows)`` from whole columns."""
    columns = sorted({g if by_class else g // 2 for _, g, _ in pending})
    step = data.column_budget()
    for low in range(0, len(columns), step):
        batch = columns[low : low + step]
        Y, P = data.columns(batch)
        for criterion, g, members in pending:
            k, given = (g, None) if by_class else divmod(int(g), 2)
            if k not in batch:
                continue
            j = batch.index(k)
            if given is None:
                rows = np.arange(len(P))
                key = criterion.key_of(P[:, j], Y[:, j])
            else:
                rows = np.flatnonzero(Y[:, j] == given)
                key = criterion.key_of(P[rows, j], given)
            flagged = rows[np.argsort(key)[: criterion.counts[g]]]
            yield criterion, g, members, flagged
