import pandas as pd
import pytest

from cccplan import InputError
from cccplan.requirements import Finding, findings_frame, sort_findings

T = pd.Timestamp("2026-03-02 09:00", tz="Europe/Berlin")


def test_sorted_by_severity_then_impact():
    a = Finding("6.7", "warning", "a", impact=5)
    b = Finding("6.7", "error", "b", impact=1)
    c = Finding("6.7", "error", "c", impact=3)
    d = Finding("6.8", "info", "d", impact=100)
    assert [f.message for f in sort_findings([a, b, c, d])] == ["c", "b", "a", "d"]


def test_intervals_sorted_and_frame():
    f = Finding("6.7", "error", "short", queue="q", intervals=[T + pd.Timedelta("15min"), T])
    assert f.intervals == (T, T + pd.Timedelta("15min"))
    frame = findings_frame([f])
    assert frame.loc[0, "n_intervals"] == 2
    assert frame.loc[0, "first_interval"] == T
    assert f.to_dict()["intervals"][0] == T.isoformat()
    assert str(f) == "ERROR 6.7 [q]: short"


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"severity": "fatal"}, "severity"),
        ({"clause": " "}, "clause"),
        ({"impact": float("nan")}, "impact"),
    ],
)
def test_bad_fields(kwargs, word):
    base = {"clause": "6.7", "severity": "error", "message": "m"}
    with pytest.raises(InputError, match=word):
        Finding(**(base | kwargs))
