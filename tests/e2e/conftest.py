"""Fixtures of the end-to-end tests: one stack of real processes for the whole pytest session.

Without the infrastructure environment (``eval "$(scripts/start_test_infra.sh)"``) these tests are
skipped on a developer machine; under CI a stack that cannot start is a failure, never a skip.
"""

from __future__ import annotations

import os

import pytest

from .shop import Mailbox, Shop
from .stack import Stack, running_stack

_stacks: list[Stack] = []


@pytest.fixture(scope="session")
def stack():
    if not os.environ.get("CI") and not os.environ.get("RABBITMQ_URL") and not os.environ.get("E2E_STACK_FILE"):
        pytest.skip('the end-to-end stack needs the real services: eval "$(scripts/start_test_infra.sh)"')
    with running_stack() as started:
        _stacks.append(started)
        yield started
        _stacks.remove(started)


@pytest.fixture
def shop(stack):
    client = Shop(stack.urls)
    yield client
    client.close()


@pytest.fixture
def mailbox(stack) -> Mailbox:
    return Mailbox(stack.mail_dir)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a test on the stack fails, print every process's log tail (the test output alone rarely says why)."""
    report = yield
    if report.failed and _stacks and call.when in ("setup", "call"):
        dead = _stacks[0].dead_processes()
        if dead:
            print(f"\nprocesses that exited: {dead}")
        _stacks[0].print_log_tails(lines=30)
    return report
