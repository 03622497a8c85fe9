"""A citizen who entered no name appears in the room as "Bürgerin / Bürger",
never as the part of their e-mail address before the @ (the counsellor, and
guests such as an interpreter, see the room)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.utils import translation

from portal.constants import Role
from portal.models import User
from tests.factories import UserFactory
from tests.video.sockets import join, ticket
from video.services import guest_invite

pytestmark = pytest.mark.django_db(transaction=True)

MAIL_NAME = "erika.mustermann"


@pytest.fixture
def nameless(appointment):
    User.objects.filter(pk=appointment.citizen_id).update(first_name="", last_name="", email=f"{MAIL_NAME}@example.org")
    appointment.citizen.refresh_from_db()
    return appointment


def test_it_shows_a_neutral_label_for_a_citizen_without_a_name(nameless, api_for, api):
    appointment = nameless
    _guest, key = guest_invite(
        appointment=appointment,
        actor=appointment.counsellor,
        kind="interpreter",
        display_name="Frau Petrenko",
        email="dolmetsch@example.org",
        language="uk",
    )
    counsellor_ticket = ticket(api_for(appointment.counsellor), appointment)
    citizen_ticket = ticket(api_for(appointment.citizen), appointment)
    guest_ticket = ticket(api, appointment, guest_key=key)
    assert MAIL_NAME not in str(citizen_ticket)

    async def scenario():
        room = appointment.public_id
        counsellor, _ = await join(room, token=counsellor_ticket["token"], expect_state="admitted")
        await counsellor.expect("lobby")
        citizen, _ = await join(room, token=citizen_ticket["token"], expect_state="waiting")
        lobby = await counsellor.expect("lobby")
        assert [p["display_name"] for p in lobby["waiting"]] == ["Bürgerin / Bürger"]
        await counsellor.send({"type": "admit", "participant": citizen_ticket["participant"]})
        await citizen.expect("admitted")
        visitor, _ = await join(room, token=guest_ticket["token"], expect_state="waiting")
        await counsellor.send({"type": "admit", "participant": guest_ticket["participant"]})
        admitted = await visitor.expect("admitted")
        seen_by_guest = {p["role"]: p["display_name"] for p in admitted["participants"]}
        assert seen_by_guest["citizen"] == "Bürgerin / Bürger"
        assert MAIL_NAME not in str(admitted)
        for socket in (visitor, citizen, counsellor):
            await socket.leave()

    async_to_sync(scenario)()


def test_it_shows_the_name_the_person_entered(appointment):
    User.objects.filter(pk=appointment.citizen_id).update(first_name="Olena", last_name="")
    appointment.citizen.refresh_from_db()
    assert appointment.citizen.display_name == "Olena"


@pytest.mark.parametrize(
    "language, label", [("de", "Bürgerin / Bürger"), ("en", "Citizen"), ("uk", "Громадянин / громадянка")]
)
def test_it_translates_the_label(_roles, language, label):
    citizen = UserFactory(citizen=True, first_name="", last_name="", email=f"{MAIL_NAME}@example.org")
    with translation.override(language):
        assert citizen.display_name == label


def test_it_names_a_nameless_counsellor_by_role(_roles):
    counsellor = UserFactory(counsellor=True, first_name="", last_name="", email="m.berater@jobcenter.example")
    with translation.override("de"):
        assert "berater" not in counsellor.display_name
        assert counsellor.display_name == str(Role.COUNSELLOR.label)
