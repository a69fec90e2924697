import pytest

from portfolio.domain import phases as P


@pytest.mark.parametrize("current, target, office, allowed", [
    ("ide", "behovsanalys", False, True),
    ("ide", "prioriterad", False, False),      # nobody skips a phase
    ("ide", "prioriterad", True, False),       # not even the project office
    ("behovsanalys", "genomforande", True, False),
    ("genomforande", "behovsanalys", False, True),  # going back is allowed
    ("genomforande", "pausad", False, True),
    ("pausad", "genomforande", False, True),
    ("pausad", "avslutad", False, False),
    ("avslutad", "genomforande", False, False),  # reopening is the office's call
    ("avslutad", "genomforande", True, True),
    ("ide", "ide", True, False),
    ("ide", "nonsense", True, False),
])
def test_transitions(current, target, office, allowed):
    assert P.check_transition(current, target, office=office).allowed is allowed


def test_allowed_targets_never_include_current():
    for phase in P.ALL_PHASES:
        assert phase not in P.allowed_targets(phase, office=True)
