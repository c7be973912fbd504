"""Schema and round-trip tests of the Label Studio export."""

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from skcleanml import from_label_studio, label_studio_config, to_label_studio

CLASSES = ["politics", "sport", "tech"]


def _issues():
    """A get_label_issues-like table of 5 examples, 3 of them flagged."""
    return {
        "is_label_issue": np.array([True, False, True, True, False]),
        "label_quality": np.array([0.30, 0.90, 0.05, 0.20, 0.80]),
        "given_label": [["sport"], ["tech"], ["politics"], ["sport", "tech"], []],
        "suggested_label": [["politics"], ["tech"], [], ["tech"], []],
        "issue_rank": np.array([3, 0, 1, 2, 0]),
    }


def _records():
    return [
        {"doc id": f"d{i}", "body": f"text number {i}", "year": np.int64(2000 + i)}
        for i in range(5)
    ]


def _check_task_schema(task, config):
    """One task against Label Studio's import format and its labeling config."""
    root = ET.fromstring(config)
    texts = {node.get("name") for node in root.iter("Text")}
    (choices,) = root.iter("Choices")
    assert set(task) == {"data", "predictions"}
    assert isinstance(task["data"], dict)
    for value in task["data"].values():
        assert isinstance(value, str | int | float)
    (prediction,) = task["predictions"]
    assert isinstance(prediction["model_version"], str)
    assert isinstance(prediction["score"], float) and 0 <= prediction["score"] <= 1
    for result in prediction["result"]:
        assert set(result) == {"id", "type", "from_name", "to_name", "value"}
        assert result["type"] == "choices"
        assert result["from_name"] == choices.get("name")
        assert result["to_name"] == choices.get("toName") and result["to_name"] in texts
        assert set(result["value"]["choices"]) <= {c.get("value") for c in choices}
    # Every $variable of the config is a data field of the task.
    for node in root.iter():
        value = node.get("value", "")
        if node.tag in ("Text", "Header"):
            for word in value.split():
                if word.startswith("$"):
                    assert word[1:] in task["data"]


def test_to_label_studio_follows_the_import_format():
    """Check the tasks and config against Label Studio's documented schema."""
    tasks = to_label_studio(_issues(), _records(), text=["body"], id="doc id")
    config = label_studio_config(CLASSES, text=["body"])
    assert json.loads(json.dumps(tasks)) == tasks  # plain JSON
    for task in tasks:
        _check_task_schema(task, config)
    root = ET.fromstring(config)
    (choices,) = root.iter("Choices")
    assert choices.get("choice") == "multiple"
    assert [c.get("value") for c in choices] == CLASSES


def test_to_label_studio_flagged_worst_first_with_fields_and_given_tags():
    """Check which tasks, their order, data fields, prediction and score."""
    tasks = to_label_studio(_issues(), _records(), text=["body"], id="doc id")
    assert [task["data"]["row"] for task in tasks] == [2, 3, 0]
    first = tasks[0]
    assert first["data"] == {
        "doc_id": "d2",
        "body": "text number 2",
        "year": 2002,
        "row": 2,
        "given_tags": "politics",
    }
    assert first["predictions"][0]["score"] == 0.05
    assert first["predictions"][0]["result"] == []  # suggested: no tag
    value = tasks[1]["predictions"][0]["result"][0]["value"]
    assert value == {"choices": ["tech"]}
    assert tasks[1]["data"]["given_tags"] == "sport, tech"


def test_to_label_studio_without_text_shows_all_fields():
    """Check that without text fields the tasks show a `fields` summary."""
    tasks = to_label_studio(_issues(), _records())
    config = label_studio_config(CLASSES)
    for task in tasks:
        _check_task_schema(task, config)
    assert tasks[0]["data"]["fields"] == "doc id: d2\nbody: text number 2\nyear: 2002"
    data = to_label_studio(_issues())[0]["data"]
    assert data == {"row": 2, "given_tags": "politics", "fields": ""}


def test_to_label_studio_takes_dataframes():
    """Check that the DataFrames of get_label_issues and of the data work."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_issues())
    records = pd.DataFrame(_records())
    tasks = to_label_studio(frame, records, text=["body"], id="doc id")
    assert tasks == to_label_studio(_issues(), _records(), text=["body"], id="doc id")
    json.dumps(tasks)


def _review(tasks, answers):
    """A Label Studio JSON export: `answers` maps task index -> tags or None."""
    exported = []
    for i, task in enumerate(tasks):
        annotations = []
        if i in answers:
            tags = answers[i]
            result = [
                {
                    "id": f"r{i}",
                    "from_name": "tags",
                    "to_name": "body",
                    "type": "choices",
                    "value": {"choices": tags},
                }
            ]
            annotations = [
                {"id": 1, "result": result[:1] if tags else [], "was_cancelled": False}
            ]
        exported.append(
            {"id": 100 + i, "data": task["data"], "annotations": annotations}
        )
    return exported


def test_from_label_studio_maps_reviews_back_by_id(tmp_path):
    """Check the way back: reviewed tags per id, from the list or the file."""
    tasks = to_label_studio(_issues(), _records(), text=["body"], id="doc id")
    export = _review(tasks, {0: [], 1: ["tech", "politics"]})
    export[2]["annotations"] = [
        {"result": [], "was_cancelled": True}  # skipped by the reviewer
    ]
    expected = {"d2": [], "d3": ["politics", "tech"]}
    assert from_label_studio(export, id="doc id") == expected
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export))
    assert from_label_studio(path, id="doc id") == expected
    assert from_label_studio(str(path)) == {2: [], 3: ["politics", "tech"]}


def test_from_label_studio_last_annotation_counts():
    """Check that a task annotated twice keeps its last annotation."""
    export = [
        {
            "data": {"row": 0},
            "annotations": [
                {"result": [{"from_name": "tags", "value": {"choices": ["a"]}}]},
                {"result": [{"from_name": "tags", "value": {"choices": ["b"]}}]},
                {"result": [{"from_name": "other", "value": {"choices": ["c"]}}]},
            ],
        }
    ]
    assert from_label_studio(export) == {0: []}
    export[0]["annotations"].pop()
    assert from_label_studio(export) == {0: ["b"]}


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: to_label_studio({"label_quality": []}), "missing"),
        (lambda: to_label_studio(_issues(), _records()[:2]), "one entry per row"),
        (lambda: to_label_studio(_issues(), _records(), id="nope"), "id='nope'"),
        (lambda: from_label_studio({"tasks": []}), "'tasks' parameter"),
        (lambda: to_label_studio(_issues(), text="body"), "'text' parameter"),
        (
            lambda: from_label_studio(
                [{"data": {"x": 1}, "annotations": [{"result": []}]}], id="doc"
            ),
            "no data field 'doc'",
        ),
    ],
)
def test_export_bad_input(call, message):
    """Check that bad input raises a ValueError naming the problem."""
    with pytest.raises(ValueError, match=message):
        call()
