import pytest

from casework.routing import Rule, in_range, normalise_surname, pick_team


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Müller", "MULLER"),
        ("Öztürk", "OZTURK"),
        ("Strauß", "STRAUSS"),
        ("d'Alembert", "DALEMBERT"),
        ("  von Weizsäcker ", "VONWEIZSACKER"),
        ("Шевченко", ""),
        ("Łukasz", "LUKASZ"),
    ],
)
def test_it_normalises_surnames_to_filing_letters(name, key):
    assert normalise_surname(name) == key


def test_it_compares_ranges_on_the_bounds_length():
    assert in_range("KAISER", "A", "K")
    assert not in_range("LANGE", "A", "K")
    assert in_range("KAISER", "KA", "KZ")
    assert not in_range("KAISER", "KB", "KZ")
    assert in_range("ZANDER", "L", "")
    assert not in_range("", "A", "Z")


def test_it_picks_the_first_matching_range_else_the_default():
    rules = [
        Rule(team_id=3, is_default=True),
        Rule(team_id=1, surname_from="A", surname_to="K", position=1),
        Rule(team_id=2, surname_from="L", surname_to="Z", position=2),
    ]
    assert pick_team("Ärger", rules) == 1
    assert pick_team("Kaiser", rules) == 1
    assert pick_team("Lange", rules) == 2
    assert pick_team("Шевченко", rules) == 3
    assert pick_team("", rules) == 3
    assert pick_team("Lange", []) is None
