"""The application side of ``make soak``: citizens apply, staff claim and decide.

Each ``Applicant`` is one worker (a citizen with a session token) that loops:

1. ``POST /applications/`` a draft, fill every section (personal data, a child
   in the household, housing, income with one entry, assets, health insurance
   of both, bank account), read the checklist, upload one small real PDF.
2. ``POST .../submit/`` with an ``Idempotency-Key``. Every third submission is
   sent again with the same key afterwards, every third other one twice at
   the same time: all answers must be the same submission (``Idempotent-Replayed``).
   An answer that is not clear (5xx, dropped connection) is retried with the
   same key, as a client should.
3. Poll the application until staff decided it, read the decision, start again
   (one open application per citizen is the rule).

Each ``Caseworker`` is one worker (staff with a second-factor session) that
loops: ``claim-next`` (204: wait a second), read the case, move it to
``in_review``, for every third case (starting with the first) ask for a
document (``documents_requested``), read the case and take it back to
``in_review``, then reject (odd cases) or approve (even ones) it.

Every request waits for its slot of the shared ``Pacer`` and is recorded as an
``Answer`` whose kind is the endpoint; what was acknowledged is kept for the
check against the database at the end (``tests/security/soak.py``).
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.security.load import Answer, Pacer
from tests.security.services import Portal

API = "/api/v1"
DECIDED = ("approved", "rejected")


@dataclass
class Applicant:
    email: str
    token: str
    # application id -> the acknowledged submit answer (its JSON)
    submitted: dict[str, dict] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # 4xx to a submit: must stay unsubmitted
    in_doubt: list[str] = field(default_factory=list)  # no clear answer even after retries: may be either
    uploaded_sha256: dict[str, str] = field(default_factory=dict)  # application id -> acknowledged upload
    replays: int = 0
    problems: list[str] = field(default_factory=list)
    decisions_seen: dict[str, str] = field(default_factory=dict)  # application id -> outcome the citizen read


@dataclass
class Caseworker:
    email: str
    token: str
    claimed: list[str] = field(default_factory=list)  # application ids claim-next gave this worker
    decided: dict[str, dict] = field(default_factory=dict)  # application id -> acknowledged decision
    document_requests: list[str] = field(default_factory=list)  # acknowledged request ids
    in_doubt: list[str] = field(default_factory=list)  # decisions without a clear answer: may be stored


class Traffic:
    """Paced, timed, recorded HTTP requests of the soak's workers."""

    def __init__(self, portal: Portal, pacer: Pacer) -> None:
        self.portal = portal
        self.pacer = pacer
        self.answers: list[Answer] = []
        self._lock = threading.Lock()

    def record(self, answer: Answer) -> Answer:
        with self._lock:
            self.answers.append(answer)
        return answer

    def call(
        self, token: str, kind: str, method: str, path: str, body=None, headers=None, *, data: bytes | None = None
    ) -> Answer:
        self.pacer.wait()
        started = time.monotonic()
        status, response_headers, content = self.portal.request(
            method, API + path, body, {"X-Session-Token": token, **(headers or {})}, timeout=30, data=data
        )
        seconds = time.monotonic() - started
        return self.record(
            Answer(
                "soak",
                kind,
                status,
                response_headers.get("Content-Type", ""),
                content,
                response_headers,
                body,
                "",
                seconds,
            )
        )


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes, content_type: str):
    """``(body, Content-Type)`` of a multipart/form-data request with one file."""
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def small_pdf(text: str) -> bytes:
    """A real one-page PDF (fpdf2), a few hundred bytes."""
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def ok(answer: Answer) -> bool:
    return 200 <= answer.status < 300


def in_doubt(answer: Answer) -> bool:
    return answer.status == 0 or answer.status >= 500


class ApplicationLoad:
    def __init__(
        self, traffic: Traffic, applicants: list[Applicant], caseworkers: list[Caseworker], *, jobcenter: str
    ) -> None:
        self.traffic = traffic
        self.applicants = applicants
        self.caseworkers = caseworkers
        self.jobcenter = jobcenter
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- citizens --------------------------------------------------------------------
    def _fill(self, who: Applicant, app: str, number: int) -> bool:
        """Every section; False when an answer was not 2xx (the draft is left)."""
        call = self.traffic.call
        base = f"/applications/{app}"
        answers = [
            call(
                who.token,
                "PATCH /applications/{id}/personal/",
                "PATCH",
                f"{base}/personal/",
                {
                    "first_name": "Олена",
                    "last_name": f"Soak{number}",
                    "birth_date": "1988-05-17",
                    "birth_place": "Київ",
                    "nationality": "UA",
                    "marital_status": "single",
                    "street": "Marktstraße 1",
                    "postcode": "67655",
                    "city": "Kaiserslautern",
                },
            )
        ]
        child = call(
            who.token,
            "POST /applications/{id}/household/",
            "POST",
            f"{base}/household/",
            {"relationship": "child", "first_name": "Marta", "last_name": f"Soak{number}", "birth_date": "2016-03-02"},
        )
        answers.append(child)
        answers.append(
            call(
                who.token,
                "PATCH /applications/{id}/housing/",
                "PATCH",
                f"{base}/housing/",
                {
                    "housing_type": "rent",
                    "floor_area_m2": "61.00",
                    "persons": 2,
                    "base_rent": "480.00",
                    "service_charges": "120.00",
                    "heating_costs": "85.00",
                },
            )
        )
        members = call(who.token, "GET /applications/{id}/household/", "GET", f"{base}/household/")
        answers.append(members)
        if not all(ok(a) for a in answers):
            return False
        member_ids = [m["id"] for m in members.json()["members"]]
        applicant_id = next(m["id"] for m in members.json()["members"] if m["relationship"] == "applicant")
        answers = [
            call(who.token, "PATCH /applications/{id}/income/", "PATCH", f"{base}/income/", {"has_income": True}),
            call(
                who.token,
                "POST /applications/{id}/income/entries/",
                "POST",
                f"{base}/income/entries/",
                {"member": applicant_id, "kind": "child_benefit", "gross_monthly": "255.00"},
            ),
            call(who.token, "PATCH /applications/{id}/assets/", "PATCH", f"{base}/assets/", {"has_assets": False}),
            *(
                call(
                    who.token,
                    "PATCH /applications/{id}/health-insurance/{member}/",
                    "PATCH",
                    f"{base}/health-insurance/{member}/",
                    {"kind": "statutory", "insurer": "AOK Rheinland-Pfalz/Saarland"},
                )
                for member in member_ids
            ),
            call(
                who.token,
                "PATCH /applications/{id}/bank-account/",
                "PATCH",
                f"{base}/bank-account/",
                {"iban": "DE89 3704 0044 0532 0130 00", "account_holder": "Olena Soak"},
            ),
            call(who.token, "GET /applications/{id}/checklist/", "GET", f"{base}/checklist/"),
        ]
        if not all(ok(a) for a in answers):
            return False
        # Partial saves answer 200 with what was rejected: nothing may be.
        if any(a.json().get("rejected") for a in answers if a.kind.startswith("PATCH")):
            who.problems.append(f"{app}: a section rejected a valid field")
            return False
        content = small_pdf(f"Kontoauszug Soak {number}")
        body, content_type = multipart(
            {"checklist_key": "other"}, "file", "Kontoauszug.pdf", content, "application/pdf"
        )
        upload = call(
            who.token,
            "POST /applications/{id}/documents/",
            "POST",
            f"{base}/documents/",
            headers={"Content-Type": content_type},
            data=body,
        )
        if not ok(upload):
            return False
        who.uploaded_sha256[app] = hashlib.sha256(content).hexdigest()
        return True

    def _submit(self, who: Applicant, app: str, key: str) -> Answer:
        return self.traffic.call(
            who.token,
            "POST /applications/{id}/submit/",
            "POST",
            f"/applications/{app}/submit/",
            headers={"Idempotency-Key": key},
        )

    def _submit_once(self, who: Applicant, app: str, number: int) -> None:
        key = str(uuid.uuid4())
        if number % 3 == 2:  # two at once with the same key
            both: list[Answer] = []
            twin = threading.Thread(target=lambda: both.append(self._submit(who, app, key)))
            twin.start()
            first = self._submit(who, app, key)
            twin.join()
            answers = [first, *both]
        else:
            answers = [self._submit(who, app, key)]
        for _ in range(3):  # an unclear answer: the client retries with the same key
            if not any(in_doubt(a) for a in answers) or self._stop.is_set():
                break
            answers = [a for a in answers if not in_doubt(a)] + [self._submit(who, app, key)]
        if number % 3 == 1 and any(ok(a) for a in answers):
            answers.append(self._submit(who, app, key))  # the same submit again, later
        acked = [a for a in answers if ok(a)]
        if acked:
            who.submitted[app] = acked[0].json()
            for again in acked[1:]:
                who.replays += 1
                if again.json() != acked[0].json():
                    who.problems.append(f"{app}: a repeated submit answered a different body")
            # Of several answers to the same key exactly one did the work.
            if len(answers) > 1 and sum(a.headers.get("Idempotent-Replayed") != "true" for a in acked) != 1:
                who.problems.append(f"{app}: {len(acked)} answers, not exactly one original")
        elif any(in_doubt(a) for a in answers):
            who.in_doubt.append(app)
        else:
            who.refused.append(app)

    def _await_decision(self, who: Applicant, app: str) -> None:
        while not self._stop.wait(1.0):
            status = self.traffic.call(who.token, "GET /applications/{id}/", "GET", f"/applications/{app}/")
            if ok(status) and status.json()["status"] in DECIDED:
                decision = self.traffic.call(
                    who.token, "GET /applications/{id}/decision/", "GET", f"/applications/{app}/decision/"
                )
                if ok(decision):
                    who.decisions_seen[app] = decision.json()["outcome"]
                return

    def _applicant(self, who: Applicant, worker: int) -> None:
        number = worker * 1000
        while not self._stop.is_set():
            number += 1
            create = self.traffic.call(
                who.token, "POST /applications/", "POST", "/applications/", {"jobcenter": self.jobcenter}
            )
            if not ok(create):
                self._stop.wait(1.0)
                continue
            app = create.json()["id"]
            if not self._fill(who, app, number) or self._stop.is_set():
                # Leave nothing open behind: a draft blocks the next application.
                self.traffic.call(who.token, "DELETE /applications/{id}/", "DELETE", f"/applications/{app}/")
                continue
            self._submit_once(who, app, number)
            if app in who.submitted:
                self._await_decision(who, app)

    # --- staff -----------------------------------------------------------------------
    def _decide(self, who: Caseworker, app: str, number: int) -> None:
        call = self.traffic.call
        case = f"/queue/applications/{app}"
        call(who.token, "GET /queue/applications/{id}/", "GET", f"{case}/")
        moved = call(
            who.token,
            "POST /queue/applications/{id}/transition/",
            "POST",
            f"{case}/transition/",
            {"target": "in_review"},
        )
        if not ok(moved):
            return
        if number % 3 == 1:  # the first case of each worker, then every third
            request = call(
                who.token,
                "POST /queue/applications/{id}/document-requests/",
                "POST",
                f"{case}/document-requests/",
                {"description": "Bitte reichen Sie die Kontoauszüge der letzten drei Monate ein."},
            )
            if ok(request):
                who.document_requests.append(request.json()["id"])
            call(who.token, "GET /queue/applications/{id}/", "GET", f"{case}/")
            back = call(
                who.token,
                "POST /queue/applications/{id}/transition/",
                "POST",
                f"{case}/transition/",
                {"target": "in_review"},
            )
            if not ok(back):
                return
        if number % 2 == 0:
            first = date.today().replace(day=1)
            body = {
                "outcome": "approved",
                "starts_on": first.isoformat(),
                "ends_on": (first + timedelta(days=364)).isoformat(),
                "monthly_amount": "1042.00",
                "text": "Ihnen wird Bürgergeld bewilligt.",
            }
        else:
            body = {"outcome": "rejected", "reason": "Das Einkommen deckt den Bedarf."}
        decision = call(who.token, "POST /queue/applications/{id}/decision/", "POST", f"{case}/decision/", body)
        if ok(decision):
            who.decided[app] = decision.json()
        elif in_doubt(decision):
            who.in_doubt.append(app)

    def _caseworker(self, who: Caseworker) -> None:
        number = 0
        while not self._stop.is_set():
            claim = self.traffic.call(
                who.token, "POST /queue/applications/claim-next/", "POST", "/queue/applications/claim-next/", {}
            )
            if claim.status == 200:
                number += 1
                app = claim.json()["id"]
                who.claimed.append(app)
                self._decide(who, app, number)
            else:
                self._stop.wait(1.0)  # nothing to claim (204) or no clear answer

    def start(self) -> ApplicationLoad:
        targets = [(self._applicant, (who, n)) for n, who in enumerate(self.applicants)]
        targets += [(self._caseworker, (who,)) for who in self.caseworkers]
        for target, args in targets:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)
