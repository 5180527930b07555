"""Workways' member-facing words: message codes declared once, in the package's SPEC."""

from __future__ import annotations

import pathlib
import re

import httpx
import pytest

from providers.adapters.errors import RejectedError
from providers.adapters.types import AccountConfig
from providers.messages import Message
from providers.vendors import workways
from providers.vendors.workways.adapter import WorkwaysAdapter

PACKAGE = pathlib.Path(workways.__file__).parent
CODE = re.compile(r'"workways\.(\w+)"')


def used_codes() -> set[str]:
    return {
        code
        for module in PACKAGE.glob("*.py")
        if module.name != "__init__.py"
        for code in CODE.findall(module.read_text())
    }


def test_every_code_the_adapter_writes_is_declared():
    assert used_codes() <= set(workways.SPEC.messages)


def test_every_declared_text_is_used():
    assert set(workways.SPEC.messages) <= used_codes()


@pytest.mark.parametrize("name", sorted(workways.SPEC.messages))
def test_every_text_renders(name):
    message = Message(f"workways.{name}", {"endpoint": "GET /api/rooms", "retcode": -1})
    assert str(message) and "%(" not in str(message)


def test_an_error_envelope_without_words_is_refused_in_ours():
    account = AccountConfig(
        kind="workways",
        name="Workways",
        config={"base_url": "https://api.workways.com"},
        credentials={"token": "t"},
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"retcode": -1}))
    with (
        WorkwaysAdapter(account, transport=transport) as adapter,
        pytest.raises(RejectedError) as caught,
    ):
        adapter.get_data("sites")
    assert caught.value.message == Message(
        "workways.refused", {"endpoint": "GET /api/sites", "retcode": -1}
    )
    assert str(caught.value.message) == "GET /api/sites refused (retcode -1)"


def test_the_adapter_rate_limit_is_the_spec_one():
    assert WorkwaysAdapter.rate_limit is workways.SPEC.rate_limit
