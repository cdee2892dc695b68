"""Fixtures of the end-to-end tests: one stack of real processes for the tests of this folder.

On the real servers when ``scripts/start_test_infra.sh`` found them all, else on the embedded stack
(SQLite, the embedded event bus, a local MongoDB-protocol server): never skipped. Under CI the stack
always wants the real servers, so a missing one is a failure.
"""

from __future__ import annotations

import pytest

from .shop import Mailbox, Shop
from .stack import Stack, running_stack

_stacks: list[Stack] = []


@pytest.fixture(scope="package")  # stopped once this folder's tests are done, before the next folder's
def stack():
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
