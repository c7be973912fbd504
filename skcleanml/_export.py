"""Review queues for annotation tools: Label Studio tasks out, reviewed tags back.

No dependency on Label Studio: the functions write and read its documented
JSON ("Basic Label Studio JSON format" with ``predictions`` for
pre-annotations; the JSON export of annotated tasks). A task's prediction is
the suggested tag set, a ``choices`` result of a ``<Choices
choice="multiple">`` control, scored with the example's label quality, so
Label Studio can sort the queue worst first.
"""

import json
import os
import re
from xml.sax.saxutils import quoteattr

from sklearn.utils._param_validation import HasMethods, validate_params

__all__ = ["from_label_studio", "label_studio_config", "to_label_studio"]

_COLUMNS = ("is_label_issue", "label_quality", "given_label", "suggested_label")


def _key(name):
    """A data key usable as a ``$variable`` of the labeling config."""
    key = re.sub(r"\W", "_", str(name))
    return key if key and not key[0].isdigit() else f"_{key}"


def _columns(issues):
    """The columns of a `get_label_issues` table, as lists."""
    missing = [name for name in (*_COLUMNS, "issue_rank") if name not in issues]
    if missing:
        raise ValueError(
            f"issues must be the table of CleanMultiLabel.get_label_issues(), "
            f"with columns {[*_COLUMNS, 'issue_rank']}; missing {missing}."
        )
    return {name: list(issues[name]) for name in (*_COLUMNS, "issue_rank")}


@validate_params(
    {
        "issues": [dict, HasMethods(["to_dict"])],
        "records": ["array-like", None],
        "text": [list, None],
        "id": [str, None],
        "from_name": [str],
        "model_version": [str],
    },
    prefer_skip_nested_validation=True,
)
def to_label_studio(
    issues,
    records=None,
    *,
    text=None,
    id=None,
    from_name="tags",
    model_version="skcleanml",
):
    """Label Studio tasks of the flagged examples, worst first.

    Parameters
    ----------
    issues : dict or pandas.DataFrame
        The table of :meth:`CleanMultiLabel.get_label_issues`, one row per
        example.
    records : sequence of dict or pandas.DataFrame, default=None
        The examples' fields (one dict or row per example, in the same order),
        copied into each task's ``data``. None copies nothing but the row.
    text : list of str, default=None
        Fields shown as text (see :func:`label_studio_config`); the first is
        what the tags annotate. None means no field is text.
    id : str, default=None
        Field that identifies an example, read back by
        :func:`from_label_studio`. None means the row number (``"row"``,
        always in ``data``).
    from_name : str, default="tags"
        Name of the ``Choices`` control in the labeling config.
    model_version : str, default="skcleanml"
        Shown by Label Studio beside the prediction.

    Returns
    -------
    tasks : list of dict
        One task per flagged example, in ``issue_rank`` order: ``data`` holds
        the fields (keys made usable as ``$variables``: other characters than
        letters, digits and ``_`` become ``_``), ``row``, ``given_tags`` (the
        given tags joined by ``", "``) and, when `text` is None, ``fields``
        (every field as ``name: value`` lines); ``predictions`` holds one
        prediction whose ``score`` is the label quality and whose ``result``
        is the suggested tag set as ``choices``.

    Examples
    --------
    >>> from skcleanml import to_label_studio
    >>> issues = {"is_label_issue": [False, True], "label_quality": [0.9, 0.1],
    ...           "given_label": [["a"], ["a"]], "suggested_label": [["a"], ["b"]],
    ...           "issue_rank": [0, 1]}
    >>> records = [{"id": "d1", "body": "x"}, {"id": "d2", "body": "a b c"}]
    >>> (task,) = to_label_studio(issues, records, text=["body"], id="id")
    >>> task["data"]
    {'id': 'd2', 'body': 'a b c', 'row': 1, 'given_tags': 'a'}
    >>> prediction = task["predictions"][0]
    >>> prediction["score"], prediction["result"][0]["value"]
    (0.1, {'choices': ['b']})
    """
    columns = _columns(issues)
    n_rows = len(columns["is_label_issue"])
    records = _records(records, n_rows)
    if id is not None and not all(id in record for record in records):
        raise ValueError(f"id={id!r} must be a field of every record.")
    to_name = _key(text[0]) if text else "fields"
    flagged = [i for i in range(n_rows) if columns["is_label_issue"][i]]
    flagged.sort(key=lambda i: columns["issue_rank"][i])
    tasks = []
    for i in flagged:
        data = {_key(name): _plain(value) for name, value in records[i].items()}
        data["row"] = i
        data["given_tags"] = ", ".join(map(str, columns["given_label"][i]))
        if not text:
            data["fields"] = "\n".join(f"{k}: {v}" for k, v in records[i].items())
        suggested = [str(tag) for tag in columns["suggested_label"][i]]
        result = {
            "id": f"row{i}-{from_name}",
            "type": "choices",
            "from_name": from_name,
            "to_name": to_name,
            "value": {"choices": suggested},
        }
        prediction = {
            "model_version": model_version,
            "score": float(columns["label_quality"][i]),
            "result": [result] if suggested else [],
        }
        tasks.append({"data": data, "predictions": [prediction]})
    return tasks


def _records(records, n_rows):
    if records is None:
        return [{} for _ in range(n_rows)]
    if hasattr(records, "to_dict"):  # a DataFrame
        records = records.to_dict("records")
    records = list(records)
    if len(records) != n_rows:
        raise ValueError(
            f"records must hold one entry per row of issues ({n_rows}), got "
            f"{len(records)}."
        )
    return records


def _plain(value):
    """A JSON-serializable version of a field (NumPy scalars become Python's)."""
    return value.item() if hasattr(value, "item") else value


@validate_params(
    {"classes": ["array-like"], "text": [list, None], "from_name": [str]},
    prefer_skip_nested_validation=True,
)
def label_studio_config(classes, *, text=None, from_name="tags"):
    """The labeling config of the tasks of :func:`to_label_studio`.

    Parameters
    ----------
    classes : sequence of str
        The tag names, the choices offered.
    text : list of str, default=None
        Fields shown as text; the tags annotate the first. None shows the
        ``fields`` summary of every task.
    from_name : str, default="tags"
        Name of the ``Choices`` control.

    Returns
    -------
    config : str
        XML: the given tags as a header, one ``<Text>`` per text field and a
        ``<Choices choice="multiple">`` control with one ``<Choice>`` per tag.

    Examples
    --------
    >>> from skcleanml import label_studio_config
    >>> print(label_studio_config(["a", "b"], text=["body"]))
    <View>
      <Header value="Given tags: $given_tags"/>
      <Text name="body" value="$body"/>
      <Choices name="tags" toName="body" choice="multiple" showInline="true">
        <Choice value="a"/>
        <Choice value="b"/>
      </Choices>
    </View>
    """
    names = [_key(name) for name in text] if text else ["fields"]
    lines = ["<View>", '  <Header value="Given tags: $given_tags"/>']
    lines += [f'  <Text name="{name}" value="${name}"/>' for name in names]
    lines.append(
        f"  <Choices name={quoteattr(from_name)} toName={quoteattr(names[0])} "
        'choice="multiple" showInline="true">'
    )
    lines += [f"    <Choice value={quoteattr(str(c))}/>" for c in classes]
    lines += ["  </Choices>", "</View>"]
    return "\n".join(lines)


@validate_params(
    {"tasks": [str, os.PathLike, list], "id": [str], "from_name": [str]},
    prefer_skip_nested_validation=True,
)
def from_label_studio(tasks, *, id="row", from_name="tags"):
    """Reviewed tags per example from a Label Studio JSON export.

    Parameters
    ----------
    tasks : str, path or list of dict
        The JSON export of the project (a list of tasks with ``data`` and
        ``annotations``), or its file.
    id : str, default="row"
        The ``data`` field identifying the example, as given to
        :func:`to_label_studio` (the row number by default).
    from_name : str, default="tags"
        Name of the ``Choices`` control.

    Returns
    -------
    reviewed : dict
        ``{id: sorted list of tags}`` for every task with an annotation that
        was not cancelled; the last such annotation counts. An annotation
        without a choice for `from_name` means no tag.

    Examples
    --------
    >>> from skcleanml import from_label_studio
    >>> export = [{"data": {"row": 4}, "annotations": [{"result": [
    ...     {"from_name": "tags", "to_name": "text", "type": "choices",
    ...      "value": {"choices": ["b", "a"]}}], "was_cancelled": False}]},
    ...     {"data": {"row": 7}, "annotations": []}]
    >>> from_label_studio(export)
    {4: ['a', 'b']}
    """
    if isinstance(tasks, str | os.PathLike):
        with open(tasks, encoding="utf-8") as handle:
            tasks = json.load(handle)
    if not isinstance(tasks, list):
        raise ValueError(
            "tasks must be Label Studio's JSON export: a list of tasks, got "
            f"{type(tasks).__name__}."
        )
    key = _key(id)
    reviewed = {}
    for task in tasks:
        done = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        if not done:
            continue
        if key not in task.get("data", {}):
            raise ValueError(f"a task has no data field {key!r} (id={id!r}).")
        choices = [
            choice
            for result in done[-1].get("result", [])
            if result.get("from_name") == from_name
            for choice in result.get("value", {}).get("choices", [])
        ]
        reviewed[task["data"][key]] = sorted(choices)
    return reviewed
