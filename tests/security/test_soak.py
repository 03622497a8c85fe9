"""``make soak`` in small: the whole module end to end for a few seconds (so it
cannot rot), and its database checks on crafted rows (so a check that could
never fail would show). The 5-minute run is ``make soak`` (docs/security.md)."""

from __future__ import annotations

import re

import pytest

from tests.security import soak
from tests.security.conftest import require_fault_binaries
from tests.security.soak_cases import Applicant, Caseworker
from tests.security.soak_video import VideoPair

pytestmark = [pytest.mark.slow]

APP = "0b4f6c9e-2f63-4a55-9d59-5c1d8f1f0a01"
STAFF_A, STAFF_B = "soak-staff0@example.org", "soak-staff1@example.org"


def counted(output: str, label: str) -> int:
    return int(re.search(rf"{re.escape(label)}: (\d+)", output).group(1))


def test_it_runs_the_mixed_load_and_checks_the_database(capsys):
    require_fault_binaries()

    code = soak.main(
        ["--minutes", "0.2", "--rate", "20", "--citizens", "1", "--applicants", "2", "--staff", "1", "--rooms", "1"]
    )

    output = capsys.readouterr().out
    assert code == 0, output
    assert output.rstrip().endswith("soak: OK"), output
    for endpoint in (
        "POST /appointments/",
        "POST /applications/{id}/documents/",
        "POST /applications/{id}/submit/",
        "POST /queue/applications/claim-next/",
        "GET /appointments/{id}/video/",
        "WS signal round trip",
    ):
        row = next(line for line in output.splitlines() if line.startswith(endpoint + " "))
        requests, ok = (int(n) for n in row[len(endpoint) :].split()[:2])
        assert requests > 0 and ok == requests, row  # one citizen books: not even a 409
    assert counted(output, "submissions acknowledged") >= 1
    assert counted(output, "bookings acknowledged") >= 1
    assert "0 unanswered" in output and "PROBLEM" not in output


class Rows:
    """Stands in for the soak's PostgreSQL: answers every query with the given rows."""

    def __init__(self, *results: list[tuple]) -> None:
        self.results = list(results)

    def query(self, sql, params=None) -> list[tuple]:
        return self.results.pop(0) if len(self.results) > 1 else self.results[0]


def caseworker(email: str, *, claimed=(), decided=None) -> Caseworker:
    who = Caseworker(email, "token")
    who.claimed = list(claimed)
    who.decided = decided or {}
    return who


# app, status, assignee, claim events by, staff in the history, decision rows in
# the history, decision id, outcome, decide audit events
CLEAN_CASE = (APP, "approved", STAFF_A, [STAFF_A], [STAFF_A], 1, "d-1", "approved", 1)


@pytest.mark.parametrize(
    ("row", "claims", "expected"),
    [
        ((APP, "approved", STAFF_A, [STAFF_A, STAFF_B], [STAFF_A], 1, "d-1", "approved", 1), {}, "claimed 2 times"),
        ((APP, "approved", STAFF_A, [STAFF_A], [STAFF_A, STAFF_B], 1, "d-1", "approved", 1), {}, "worked by"),
        ((APP, "approved", STAFF_A, [STAFF_A], [STAFF_A], 2, "d-1", "approved", 1), {}, "2 history rows"),
        ((APP, "approved", STAFF_A, [STAFF_A], [STAFF_A], 1, "d-1", "approved", 2), {}, "2 audit events"),
        ((APP, "in_review", STAFF_A, [STAFF_A], [STAFF_A], 0, None, None, 0), {}, "is lost"),
        (CLEAN_CASE, {STAFF_B: [APP]}, "gave"),
    ],
)
def test_its_casework_check_names_duplicates_and_losses(row, claims, expected):
    workers = [
        caseworker(STAFF_A, claimed=[APP], decided={APP: {"id": "d-1", "outcome": "approved"}}),
        caseworker(STAFF_B, claimed=claims.get(STAFF_B, [])),
    ]

    problems = soak.casework_problems(Rows([row]), workers, [Applicant("a@example.org", "t")])

    assert any(expected in problem for problem in problems), problems


def test_its_casework_check_passes_a_clean_case():
    workers = [caseworker(STAFF_A, claimed=[APP], decided={APP: {"id": "d-1", "outcome": "approved"}})]

    assert soak.casework_problems(Rows([CLEAN_CASE]), workers, [Applicant("a@example.org", "t")]) == []


def submitted_applicant() -> tuple[Applicant, dict]:
    from applications.snapshot import checksum

    snapshot = {"reference": "KL-2026-000001", "documents": [{"sha256": "ab" * 32}]}
    who = Applicant("a@example.org", "t")
    who.submitted[APP] = {"reference": "KL-2026-000001", "snapshot_sha256": checksum(snapshot)}
    who.uploaded_sha256[APP] = "ab" * 32
    return who, snapshot


def test_its_submission_check_names_a_duplicate_a_loss_and_a_changed_snapshot():
    who, snapshot = submitted_applicant()
    sha = who.submitted[APP]["snapshot_sha256"]
    stored = (APP, who.email, "submitted", "KL-2026-000001", snapshot, sha, 1)

    assert soak.submission_problems(Rows([stored]), [who]) == []
    assert "2 history rows" in " ".join(soak.submission_problems(Rows([(*stored[:6], 2)]), [who]))
    assert "is lost" in " ".join(soak.submission_problems(Rows([]), [who]))
    changed = (APP, who.email, "submitted", "KL-2026-000001", {**snapshot, "documents": []}, sha, 1)
    assert "not the acknowledged one" in " ".join(soak.submission_problems(Rows([changed]), [who]))
    unacknowledged = Applicant(who.email, "t")
    assert "never acknowledged" in " ".join(soak.submission_problems(Rows([stored]), [unacknowledged]))


def test_its_video_check_names_unrecorded_and_unclosed_connections():
    pair = VideoPair(APP, "c", "z", connections=4)

    assert soak.video_problems(Rows([(APP, 4, 0)]), [pair]) == []
    assert soak.video_problems(Rows([(APP, 3, 0)]), [pair])
    pair.unanswered = 1
    assert "unanswered" in " ".join(soak.video_problems(Rows([(APP, 4, 0)]), [pair]))
