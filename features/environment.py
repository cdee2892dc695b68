"""behave hooks: one stack of real processes for the whole run, shared by every scenario.

The stack is the same harness the end-to-end test uses (tests/e2e/stack.py). ``E2E_STACK_FILE``
attaches to a stack already running (``uv run python tests/e2e/stack.py up``) instead of starting one.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from e2e.shop import Mailbox, Shop
from e2e.stack import running_stack


def before_all(context):
    context.stack_manager = running_stack()
    context.stack = context.stack_manager.__enter__()
    context.shop = Shop(context.stack.urls)
    context.mailbox = Mailbox(context.stack.mail_dir)


def before_scenario(context, scenario):
    context.shoppers = {}
    context.shopper = None


def after_scenario(context, scenario):
    if scenario.status in ("failed", "error"):
        dead = context.stack.dead_processes()
        if dead:
            print(f"processes that exited: {dead}", file=sys.stderr)
        context.stack.print_log_tails(lines=25)


def after_all(context):
    if hasattr(context, "shop"):  # before_all got as far as a running stack
        context.shop.close()
        context.stack_manager.__exit__(None, None, None)
