"""The shared base of background loops: one round, or rounds until SIGTERM, surviving database restarts."""

import os
import signal
from io import StringIO

import pytest
from django.db import OperationalError

from common.management.periodic import PeriodicCommand


class ScriptedCommand(PeriodicCommand):
    """Plays back a script of round outcomes: a number handled, or an exception to raise."""

    def __init__(self, script):
        super().__init__(stdout=StringIO())
        self.script = list(script)
        self.rounds = 0

    def run_round(self, **options) -> int:
        self.rounds += 1
        outcome = self.script.pop(0)
        if outcome == "stop":
            os.kill(os.getpid(), signal.SIGTERM)
            return 0
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def restore_signal_handlers():
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def test_without_loop_one_round_runs_and_is_reported():
    command = ScriptedCommand([3])
    command.handle(loop=None)
    assert command.rounds == 1
    assert command.stdout.getvalue() == "test_periodic_command: 3 handled\n"


def test_without_loop_a_database_error_is_raised():
    command = ScriptedCommand([OperationalError("down")])
    with pytest.raises(OperationalError):
        command.handle(loop=None)


def test_a_loop_survives_a_database_error_and_stops_on_sigterm(restore_signal_handlers):
    command = ScriptedCommand([OperationalError("restarting"), 2, 0, "stop"])
    command.handle(loop=0.01)
    assert command.rounds == 4
    assert command.script == []
    assert command.stdout.getvalue() == "test_periodic_command: 2 handled\n"


def test_a_round_that_found_work_is_followed_at_once_by_another(restore_signal_handlers):
    command = ScriptedCommand([5, 5, "stop"])
    command.handle(loop=3600)  # never waits: each round found work, then SIGTERM ends it
    assert command.rounds == 3
