"""video.protocol, video.tokens and video.turn: pure rules, no server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings

from video import protocol
from video.protocol import ProtocolError, TokenBucket, ViolationMeter, parse_client_message
from video.tokens import TokenInvalid, token_issue, token_read
from video.turn import turn_credentials

PEER = "p_0123456789abcdef"


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "admit", "participant": "p_0123456789abcdef"}',
        '{"type": "remove", "participant": "p_0123456789abcdef"}',
        '{"type": "end"}',
        '{"type": "ping"}',
        '{"type": "signal", "to": "p_0123456789abcdef", "data": {"description": {"type": "offer", "sdp": "v=0"}}}',
        '{"type": "signal", "to": "p_0123456789abcdef", "data": {"candidate": null}}',
        '{"type": "signal", "to": "p_0123456789abcdef", "data": {"candidate": {"candidate": "", "sdpMid": "0",'
        ' "sdpMLineIndex": 0, "usernameFragment": null}}}',
    ],
)
def test_it_accepts_the_messages_of_the_protocol(text):
    assert parse_client_message(text)["type"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "malformed"),
        ("{", "malformed"),
        ('"signal"', "malformed"),
        ('{"to": "x"}', "malformed"),
        ('{"type": 1}', "malformed"),
        ('{"type": "join"}', "unknown_type"),
        ('{"type": "admit"}', "invalid_message"),
        ('{"type": "admit", "participant": "42"}', "invalid_message"),
        ('{"type": "end", "now": true}', "invalid_message"),
        ('{"type": "signal", "to": "p_0123456789abcdef"}', "invalid_message"),
        ('{"type": "signal", "to": "p_0123456789abcdef", "data": {}}', "invalid_message"),
        (
            '{"type": "signal", "to": "p_0123456789abcdef", "data": {"description": {"type": "rollback"}}}',
            "invalid_message",
        ),
        (
            '{"type": "signal", "to": "p_0123456789abcdef", "data": {"description": {"type": "offer", "sdp": 1}}}',
            "invalid_message",
        ),
        (
            '{"type": "signal", "to": "p_0123456789abcdef", "data": {"candidate": null, "description": null}}',
            "invalid_message",
        ),
        ('{"type": "signal", "to": "p_0123456789abcdef", "data": {"candidate": {"candidate": 5}}}', "invalid_message"),
        (
            '{"type": "signal", "to": "p_0123456789abcdef", "data": {"candidate": {"candidate": "", "sdpMLineIndex": true}}}',
            "invalid_message",
        ),
        (
            '{"type": "signal", "to": "p_0123456789abcdef", "data": {"candidate": {"candidate": "", "x": 1}}}',
            "invalid_message",
        ),
    ],
)
def test_it_refuses_anything_else_with_a_code(text, code):
    with pytest.raises(ProtocolError) as refused:
        parse_client_message(text)
    assert refused.value.code == code


def test_it_relays_signal_data_unchanged():
    data = {"description": {"type": "answer", "sdp": "v=0\r\n"}}
    message = parse_client_message(protocol.encode({"type": "signal", "to": PEER, "data": data}))
    assert protocol.signal_out(sender=PEER, data=message["data"]) == {"type": "signal", "from": PEER, "data": data}


def test_it_lets_a_burst_through_and_refills_at_the_rate():
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5
    assert [bucket.take(), bucket.take()] == [True, False]
    now[0] += 100
    assert sum(bucket.take() for _ in range(10)) == 3


def test_it_closes_only_on_repeated_violations_within_the_window():
    now = [0.0]
    meter = ViolationMeter(limit=2, window=10, clock=lambda: now[0])
    assert [meter.record(), meter.record()] == [False, False]
    now[0] += 11
    assert meter.record() is False
    assert meter.record() is False
    assert meter.record() is True


def test_it_signs_tokens_and_refuses_tampered_and_expired_ones():
    expires = datetime.now(UTC) + timedelta(minutes=5)
    token = token_issue(room="r", participant=PEER, role="citizen", user_id=7, guest_id=None, expires_at=expires)
    claims = token_read(token)
    assert (claims.room, claims.participant, claims.role, claims.user_id) == ("r", PEER, "citizen", 7)
    with pytest.raises(TokenInvalid) as invalid:
        token_read(token.replace(":", ";", 1))
    assert invalid.value.code == "invalid"
    with pytest.raises(TokenInvalid) as invalid:
        token_read(token, now=expires)
    assert invalid.value.code == "expired"


def test_it_computes_coturn_rest_credentials():
    # Reference values from a shell: printf '%s' 1700000000:p_0123456789abcdef |
    #   openssl dgst -sha1 -hmac secret -binary | base64
    username, credential = turn_credentials(
        secret="secret", pseudonym=PEER, expires_at=datetime.fromtimestamp(1_700_000_000, tz=UTC)
    )
    assert username == "1700000000:p_0123456789abcdef"
    assert credential == "h0XWRgFFf6dbCadBcaO9boWlBwM="


def test_it_tells_clients_to_come_back_when_signalling_is_unavailable():
    message = protocol.unavailable()
    assert message == {"type": "unavailable", "code": "signalling_unavailable", "retry_after": 2}
    assert protocol.encode(message) == '{"type":"unavailable","code":"signalling_unavailable","retry_after":2}'
    assert protocol.unavailable(retry_after=5)["retry_after"] == 5
    assert protocol.CloseCode.UNAVAILABLE == 4503


def test_it_makes_the_browser_reconnect_after_4401_and_4503_only():
    """room.js's FINAL codes are every close code of the protocol but the two that ask for a reconnect."""
    script = (settings.BASE_DIR / "templates" / "static" / "video" / "room.js").read_text()
    final = {int(code) for code in re.findall(r"(\d{4}): 1", re.search(r"var FINAL = \{([^}]*)\}", script)[1])}
    reconnect = {protocol.CloseCode.UNAUTHORIZED, protocol.CloseCode.UNAVAILABLE}
    assert final == {int(code) for code in protocol.CloseCode} - reconnect
    assert "var UNAVAILABLE = 4503;" in script
