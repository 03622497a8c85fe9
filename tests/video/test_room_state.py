"""The room's rules without sockets: plain members in, decisions out (video/room_state.py)."""

from __future__ import annotations

import pytest

from video import room_state as rules
from video.room_state import ADMITTED, WAITING, Refused


def member(id_: str, role: str, state: str) -> dict:
    return {"id": id_, "role": role, "state": state, "display_name": id_}


COUNSELLOR = member("p_c", "counsellor", ADMITTED)
CITIZEN_IN_CALL = member("p_z", "citizen", ADMITTED)
CITIZEN_WAITING = member("p_z", "citizen", WAITING)
GUEST_WAITING = member("p_g", "guest", WAITING)


def refusal(call) -> tuple[str, str]:
    with pytest.raises(Refused) as refused:
        call()
    return refused.value.code, refused.value.reason


# --- 1. entering ---------------------------------------------------------------------


def test_it_admits_the_counsellor_at_once_and_lets_the_others_wait():
    assert rules.state_on_entering(role="counsellor", admitted_before=False) == ADMITTED
    assert rules.state_on_entering(role="citizen", admitted_before=False) == WAITING
    assert rules.state_on_entering(role="guest", admitted_before=False) == WAITING


def test_it_lets_someone_admitted_before_back_into_the_call():
    assert rules.state_on_entering(role="citizen", admitted_before=True) == ADMITTED
    assert rules.state_on_entering(role="guest", admitted_before=True) == ADMITTED


def test_it_keeps_citizens_and_guests_out_of_an_ended_room_but_not_the_counsellor():
    for role in ("citizen", "guest"):
        assert refusal(lambda role=role: rules.check_may_enter(role=role, room_ended=True)) == (
            "room_ended",
            "room_ended",
        )
        rules.check_may_enter(role=role, room_ended=False)
    assert rules.reopens_room("counsellor")
    rules.check_may_enter(role="counsellor", room_ended=True)
    assert not rules.reopens_room("citizen")


def test_it_announces_an_entry_and_a_departure_by_state():
    assert rules.announcement_on_entering(ADMITTED) == "peer.joined"
    assert rules.announcement_on_entering(WAITING) == "lobby.changed"
    assert rules.announcement_on_leaving(CITIZEN_IN_CALL) == "peer.left"
    assert rules.announcement_on_leaving(GUEST_WAITING) == "lobby.changed"
    assert rules.announcement_on_leaving(None) is None  # replaced by a newer connection: nobody left


# --- 2. the counsellor's actions -------------------------------------------------------


@pytest.mark.parametrize("message_type", ["admit", "remove", "end"])
def test_it_reserves_admit_remove_and_end_for_the_counsellor(message_type):
    rules.check_may_send(role="counsellor", message_type=message_type)
    for role in ("citizen", "guest"):
        assert refusal(lambda role=role: rules.check_may_send(role=role, message_type=message_type)) == (
            "forbidden",
            "counsellor_only",
        )


@pytest.mark.parametrize("message_type", ["signal", "ping"])
def test_it_lets_everyone_signal_and_ping(message_type):
    for role in ("citizen", "guest", "counsellor"):
        rules.check_may_send(role=role, message_type=message_type)


def test_it_admits_only_who_is_waiting():
    assert rules.ADMITTABLE_STATE == WAITING


def test_it_removes_anyone_but_the_counsellor():
    rules.check_may_remove(CITIZEN_IN_CALL)
    rules.check_may_remove(GUEST_WAITING)
    assert refusal(lambda: rules.check_may_remove(COUNSELLOR)) == ("forbidden", "counsellor_not_removable")
    assert refusal(lambda: rules.check_may_remove(None)) == ("unknown_peer", "unknown_peer")


# --- 3. signals --------------------------------------------------------------------------


def test_it_relays_signals_only_between_admitted_members():
    rules.check_may_signal(state=ADMITTED, me="p_z", target=COUNSELLOR)
    assert refusal(lambda: rules.check_may_signal(state=WAITING, me="p_z", target=COUNSELLOR)) == (
        "not_admitted",
        "not_admitted",
    )
    for target in (GUEST_WAITING, None, CITIZEN_IN_CALL):  # waiting, gone, oneself
        assert refusal(lambda target=target: rules.check_may_signal(state=ADMITTED, me="p_z", target=target)) == (
            "unknown_peer",
            "unknown_peer",
        )


def test_it_delivers_signals_to_an_open_admitted_socket_only():
    assert rules.receives_signals(state=ADMITTED, closed=False)
    assert not rules.receives_signals(state=WAITING, closed=False)
    assert not rules.receives_signals(state=ADMITTED, closed=True)


# --- 4. who sees whom ----------------------------------------------------------------------


def test_it_shows_the_call_without_oneself_and_the_lobby_to_the_counsellor_only():
    members = [COUNSELLOR, CITIZEN_IN_CALL, GUEST_WAITING]
    assert rules.in_call_with(members, me="p_z") == [COUNSELLOR]
    assert rules.in_call_with(members, me="p_g") == [COUNSELLOR, CITIZEN_IN_CALL]
    assert rules.lobby_of(members) == [GUEST_WAITING]
    assert rules.sees_lobby("counsellor")
    assert not rules.sees_lobby("citizen") and not rules.sees_lobby("guest")


def test_it_tells_admitted_members_about_the_others_only():
    assert rules.sees_peer_event(state=ADMITTED, me="p_z", participant="p_g")
    assert not rules.sees_peer_event(state=ADMITTED, me="p_z", participant="p_z")
    assert not rules.sees_peer_event(state=WAITING, me="p_g", participant="p_z")


def test_it_admits_a_socket_once():
    assert rules.takes_admission(state=WAITING, closed=False)
    assert not rules.takes_admission(state=ADMITTED, closed=False)
    assert not rules.takes_admission(state=WAITING, closed=True)


def test_it_needs_no_django():
    import subprocess
    import sys

    code = (
        "import sys, video.room_state; assert not any(m.split('.')[0] in ('django', 'channels') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
