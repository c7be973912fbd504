"""Fold fits of CleanMultiLabel on a Dask cluster through joblib's dask backend.

One ``LocalCluster`` with two worker processes serves the whole module. Runs
under ``parallel_config(backend="dask")`` must equal local runs under the same
``random_state``, run their fold fits as tasks on the workers, and send `X` to
the cluster once per fit.
"""

import os
import re
import signal
import threading
import time

import joblib
import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV

from skcleanml import CleanMultiLabel
from skcleanml.datasets import make_noisy_multilabel_classification

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

N_FOLDS = 3
# joblib's dask backend names each task "batch_of_<function>_<n>_calls-<id>".
TASK_KEY = re.compile(r"batch_of_(\w+?)_(\d+)_calls-")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def data():
    # 500 x 20 float64 features (80 kB): well above the 1 kB from which
    # joblib's dask backend scatters an argument instead of pickling it.
    return make_noisy_multilabel_classification(
        600, n_test=100, n_features=20, random_state=0
    )


def _clean_multilabel(**params):
    forest = RandomForestClassifier(n_estimators=10, random_state=0)
    params = {"n_repeats": 1, **params}  # the fit counts below are per fold
    return CleanMultiLabel(forest, cv=N_FOLDS, n_jobs=-1, random_state=0, **params)


def _calls_per_function(task_stream):
    """Number of joblib calls per function name, and the workers that ran them."""
    calls, workers = {}, {}
    for record in task_stream.data:
        match = TASK_KEY.match(str(record["key"]))
        if match:
            name, n_calls = match.group(1), int(match.group(2))
            calls[name] = calls.get(name, 0) + n_calls
            workers.setdefault(name, set()).add(record["worker"])
    return calls, workers


def test_dask_fit_equals_local_fit(client, data):
    """Check that a fit under the dask backend equals a local fit."""
    with joblib.parallel_config(backend="dask"):
        remote = _clean_multilabel().fit(data.X_train, data.y_train)
    local = _clean_multilabel().fit(data.X_train, data.y_train)
    assert local.label_issues_.size > 0  # something to compare
    for name in ("pred_probs_", "label_issues_", "label_quality_scores_"):
        np.testing.assert_array_equal(getattr(remote, name), getattr(local, name))
    np.testing.assert_array_equal(
        remote.predict(data.X_test), local.predict(data.X_test)
    )
    np.testing.assert_array_equal(
        remote.predict_proba(data.X_test), local.predict_proba(data.X_test)
    )


def test_dask_fold_fits_run_on_workers(client, data):
    """Check that every fold fit runs as a task on one of the cluster's workers."""
    with (
        distributed.get_task_stream(client) as task_stream,
        joblib.parallel_config(backend="dask"),
    ):
        _clean_multilabel().fit(data.X_train, data.y_train)
    calls, workers = _calls_per_function(task_stream)
    # A natively multi-label forest is fitted once per fold.
    assert calls.get("_fit_fold") == N_FOLDS
    assert workers["_fit_fold"] <= set(client.scheduler_info()["workers"])


def test_dask_nested_grid_search_equals_local(client, data):
    """Check that GridSearchCV(n_jobs=-1) over CleanMultiLabel works on dask."""

    def search():
        grid = {"estimator__max_depth": [2, None]}
        return GridSearchCV(_clean_multilabel(), grid, cv=2, n_jobs=-1)

    with (
        distributed.get_task_stream(client) as task_stream,
        joblib.parallel_config(backend="dask"),
    ):
        remote = search().fit(data.X_train, data.y_train)
    local = search().fit(data.X_train, data.y_train)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    calls, _ = _calls_per_function(task_stream)
    # 2 candidates x 2 splits on the workers, each with its own fold fits
    # (nested on the cluster), plus the fold fits of the best model's refit.
    assert calls.get("_fit_and_score") == 4
    assert calls.get("_fit_fold") == (4 + 1) * N_FOLDS


@pytest.mark.parametrize("n_repeats", [1, 2])
def test_dask_scatters_X_once(client, data, monkeypatch, n_repeats):
    """Check that X goes to the cluster once per fit, not once per fold."""
    X = data.X_train
    scattered = []
    scatter = client.scatter

    def recording_scatter(values, *args, **kwargs):
        scattered.append(values)
        return scatter(values, *args, **kwargs)

    monkeypatch.setattr(client, "scatter", recording_scatter)
    with (
        distributed.get_task_stream(client) as task_stream,
        joblib.parallel_config(backend="dask"),
    ):
        _clean_multilabel(n_repeats=n_repeats).fit(X, data.y_train)
    calls, _ = _calls_per_function(task_stream)
    # Several fold fits used X.
    assert calls.get("_fit_fold") == N_FOLDS * n_repeats
    assert sum(values is X for values in scattered) == 1
    # ... and no copy of X was sent either.
    copies = [
        values
        for values in scattered
        if isinstance(values, np.ndarray) and np.array_equal(values, X)
    ]
    assert len(copies) == 1


def _executing_fold_fits(dask_worker):
    return sum("_fit_fold" in str(task.key) for task in dask_worker.state.executing)


def _kill_first_busy_worker(client, fit_thread):
    """SIGKILL the process of a worker as soon as it runs a fold fit."""
    while fit_thread.is_alive():
        busy = [w for w, n in client.run(_executing_fold_fits).items() if n]
        if busy:
            pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            return True
        time.sleep(0.01)
    return False


# Each repetition kills a worker at a different moment of the fold fits; a
# few seconds each.
N_KILLS = 3


def test_dask_fit_survives_a_killed_worker(client, data):
    """Check that a fit with X broadcast survives a worker killed mid-fit."""
    X, Y = data.X_train, data.y_train
    local = _clean_multilabel(n_repeats=2).fit(X, Y)
    for _ in range(N_KILLS):
        client.wait_for_workers(2)
        result = {}

        def fit():
            try:
                with joblib.parallel_config(backend="dask", scatter=[X]):
                    result["clf"] = _clean_multilabel(n_repeats=2).fit(X, Y)
            except Exception as exc:  # reported by the assert below
                result["error"] = exc

        thread = threading.Thread(target=fit)
        thread.start()
        killed = _kill_first_busy_worker(client, thread)
        thread.join()
        assert killed  # the kill happened during the fold fits
        assert "error" not in result, result.get("error")
        np.testing.assert_array_equal(result["clf"].pred_probs_, local.pred_probs_)
        np.testing.assert_array_equal(result["clf"].label_issues_, local.label_issues_)
