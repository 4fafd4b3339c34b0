"""dlfs.exercises: check() never hangs, raises or echoes; hint() and solution(); the two message catalogs.

Each checker against right and known-wrong answers: tests/test_exercises_checkers.py.
"""

import functools
import re
import string
import threading
import time
import tomllib

import numpy as np
import pytest

from dlfs import set_language
from dlfs.exercises import EXERCISES, check, core, hint, solution, verdict

LANGUAGES = ("en", "ko")


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """English feedback, fresh hint counters and a short time limit in every test."""
    set_language("en")
    monkeypatch.setattr(core, "TIME_LIMIT", 0.5)
    monkeypatch.setattr(core, "_hints_shown", {})
    yield
    set_language("en")


def looping_gradient(f, x):  # the most common nditer slip: no it.iternext()
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        grad[it.multi_index] = 0.0
    return grad


def test_ids_are_those_the_notebooks_use():
    assert len(EXERCISES) == 19
    assert {e.kind for e in EXERCISES.values()} == {"write", "bug hunt", "predict"}
    assert all(e.notebook.startswith(e.id[:2]) for e in EXERCISES.values())


def test_check_prints_and_returns_none(capsys):
    assert check("01.untrained_loss", 2.3026) is None  # no Out[n]: True under the cell
    assert capsys.readouterr().out.startswith("✓ 01.untrained_loss — right!")
    assert check("01.crossentropy", print) is None  # an unknown id is feedback too, listing the ids
    assert "01.cross_entropy" in capsys.readouterr().out


@pytest.mark.parametrize("answer, key", [(..., "stub"), (0.51, "not_a_function"), (lambda y, t: None, "stub")])
def test_a_stub_or_a_number_for_a_function_says_what_to_do(answer, key):
    assert verdict("01.cross_entropy", answer).key == key


def test_a_loop_that_never_ends_is_stopped_and_named():
    start = time.perf_counter()
    result = verdict("03.numerical_gradient", looping_gradient)
    assert result.key == "timeout_nditer" and "while not it.finished:" in result.text
    assert time.perf_counter() - start < 3

    def spins(y, t):
        while True:
            pass

    assert verdict("01.cross_entropy", spins).key == "timeout"


def test_the_time_limit_works_in_any_thread():  # a kernel may run cells outside the main thread
    with pytest.raises(core.TimeUp), core.time_limit(0.2):
        while True:
            pass
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(verdict("03.numerical_gradient", looping_gradient)))
    worker.start()
    worker.join(timeout=10)
    assert outcome and outcome[0].key == "timeout_nditer"
    time.sleep(0.7)  # no TimeUp arrives after the check has ended


def raises(exception):
    def answer(*args):
        raise exception

    return answer


class Unreadable:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array here")


class NoLength:
    def __len__(self):
        raise RuntimeError("no length here")

    def __getitem__(self, i):
        return 1.0


@pytest.mark.parametrize(
    "exercise_id, answer, key",
    [
        ("01.cross_entropy", raises(KeyboardInterrupt), "interrupted"),
        ("01.cross_entropy", raises(SystemExit(3)), "system_exit"),
        ("01.cross_entropy", raises(ZeroDivisionError("oops")), "raised"),
        ("01.cross_entropy", lambda y, t: (0.5, y), "ragged"),
        ("01.cross_entropy", lambda y, t: 0.5108 + 0j, "complex"),  # was: imaginary part dropped, "right"
        ("01.untrained_loss", 2.3026 + 0j, "complex"),
        ("03.numerical_gradient", lambda f, x: np.zeros(x.shape, complex) + 6, "complex"),
        ("01.untrained_loss", 10**400, "huge"),
        ("01.cross_entropy", lambda y, t: 10**400, "huge"),
        ("01.cross_entropy", lambda y, t: Unreadable(), "unreadable"),
        ("01.cross_entropy", lambda y, t: NoLength(), "not_numbers"),
        ("01.untrained_loss", Unreadable(), "unreadable"),
        ("01.untrained_loss", float("inf"), "not_finite"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_hostile_answers_become_feedback(exercise_id, answer, key):
    result = verdict(exercise_id, answer)
    assert (result.ok, result.key) == (False, key), result.text
    assert "Traceback" not in result.text


def test_a_bug_in_a_checker_is_not_blamed_on_the_learner(monkeypatch):
    broken = functools.partial(core.text, "common", "no such key")  # raises inside dlfs, not in the answer
    monkeypatch.setitem(core.EXERCISES, "01.cross_entropy", core.EXERCISES["01.cross_entropy"]._replace(checker=broken))
    assert verdict("01.cross_entropy", print).key == "checker_failed"


def test_the_learners_own_line_is_shown():
    def cross_entropy_error(y, t):
        batch_size = y.shape[0]  # noqa: F841 - the learner meant this name
        return -np.sum(t * np.log(y + 1e-7)) / bacth_size  # noqa: F821 - the learner's typo

    text = verdict("01.cross_entropy", cross_entropy_error).text
    assert "NameError" in text and "`return -np.sum(t * np.log(y + 1e-7)) / bacth_size" in text
    text = verdict("01.cross_entropy", raises(KeyboardInterrupt)).text
    assert "raise exception" in text


def test_a_patched_numpy_is_put_back_and_never_trusted():
    log = np.log

    def patches_log(y, t):
        np.log = lambda v: log(v + 1.0)  # makes every loss smaller, the reference too if computed after
        return 0.0

    assert verdict("01.cross_entropy", patches_log).key == "numpy_patched"
    assert np.log is log
    np.log = np.log10  # patched in an earlier cell
    try:
        assert verdict("01.untrained_loss", 2.3026).key == "numpy_patched"
    finally:
        assert np.log is log
        np.log = log


@pytest.mark.parametrize("language", LANGUAGES)
def test_hints_say_more_at_each_call_then_repeat_the_last(capsys, language):
    set_language(language)
    shown = []
    for _ in range(4):
        hint("03.numerical_gradient")
        shown.append(capsys.readouterr().out)
    hints = core.catalog(language)["03.numerical_gradient"]["hints"]
    assert len(hints) == 3 and all(h in out for h, out in zip(hints + hints[2:], shown, strict=True))
    assert hints[2] in shown[3] and "solution(" in shown[3] and "solution(" not in shown[2]
    solution("03.numerical_gradient")
    assert "it.iternext()" in capsys.readouterr().out


def test_feedback_speaks_the_language_set():
    set_language("ko")
    assert verdict("01.cross_entropy", ...).text.startswith("✗ 01.cross_entropy — 아직입니다.")
    assert verdict("04.largest_lr", 1.0).text.startswith("✓ 04.largest_lr — 정답입니다!")


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def code_of(solution_text):
    return [line.split("#")[0].rstrip() for line in solution_text.split("\n\n")[0].splitlines()]


def test_the_catalogs_have_the_same_messages_and_placeholders():
    en, ko = (core.catalog(language) for language in LANGUAGES)
    assert en.keys() == ko.keys()
    for table in en:
        assert en[table].keys() == ko[table].keys(), table
        for key, message in en[table].items():
            if key == "hints":  # printed as they are
                assert len(message) == len(ko[table][key]) == 3, table
            elif key == "solution" and table != "common":  # the same code, with comments in either language
                assert code_of(message) == code_of(ko[table][key]), table
            else:
                assert placeholders(message) == placeholders(ko[table][key]), f"{table}.{key}"
    for exercise_id in EXERCISES:
        assert en[exercise_id]["solution"] and en[exercise_id]["right"]


def test_the_catalogs_ship_in_the_wheel():
    config = tomllib.loads((core._MESSAGES.parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dlfs.exercises"]
    assert all(
        any(p.relative_to(core._MESSAGES.parent).match(pattern) for pattern in patterns)
        for p in core._MESSAGES.glob("*.toml")
    )


def test_every_message_key_in_the_code_is_in_the_catalog():
    source = "\n".join(p.read_text(encoding="utf-8") for p in core._MESSAGES.parent.glob("*.py"))
    used = set(re.findall(r'NotYet\(\s*"(\w+)"', source)) | set(re.findall(r'"(case_\w+)"', source))
    tables = core.catalog("en").values()
    assert used and all(any(k in table for table in tables) for k in used), used


def test_the_korean_catalog_follows_the_editors_style():  # issue 19, section 5
    ko = (core._MESSAGES / "ko.toml").read_text(encoding="utf-8")
    assert "기댓값" not in ko and "정수 레이블" not in ko
    assert not re.search(r'(^|[".] )곧 ', ko, flags=re.MULTILINE)
    assert not re.search(r"(?<![`\w])delta(?![`\w])", ko.split("\n[")[0] + "".join(re.findall(r'"[^"\n]*"', ko)))
