"""pt-BR everywhere a person reads in accounts: the catalogue is complete and compiled, the admin renders
in pt-BR without an English msgid, and API error details follow Accept-Language while the code stays."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.addresses.models import Address
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.testing.locales import (
    COMMON_PO,
    admin_page_problems,
    api_error_problems,
    catalogue_problems,
    compiled_catalogue_problems,
    label_problems,
    service_po,
)
from tests.conftest import post

PACKAGES = ("accounts", "common")
PO_FILES = (service_po(settings.BASE_DIR), COMMON_PO)
SEEN_IN_ENGLISH = ("user(s) deactivated", "refresh token(s) revoked")


@pytest.mark.parametrize("po_path", PO_FILES, ids=["accounts", "common"])
def test_every_msgid_has_a_pt_br_translation(po_path):
    assert catalogue_problems(po_path) == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=["accounts", "common"])
def test_the_committed_mo_is_compiled_from_the_po(po_path):
    assert compiled_catalogue_problems(po_path) == []


def test_every_admin_label_goes_through_translation():
    assert label_problems(PACKAGES, PO_FILES) == []


@pytest.mark.django_db
def test_every_admin_page_renders_in_pt_br_without_english(admin_client, user):
    Address.objects.create(
        user=user, full_name="Ana Souza", line1="Rua Augusta, 100", city="São Paulo", state="SP", postal_code="01304000"
    )
    DeadLetter.objects.create(event_type="accounts.user_registered", source="accounts", body="{}")
    ProcessedEvent.objects.create(event_id="00000000-0000-0000-0000-000000000001", event_type="accounts.x")

    assert admin_page_problems(admin_client, PACKAGES, PO_FILES, also=SEEN_IN_ENGLISH) == []


def test_every_api_error_detail_is_pt_br_and_english_on_request():
    assert api_error_problems(PACKAGES) == []


@pytest.mark.django_db
def test_an_api_error_detail_follows_accept_language_and_its_code_stays(client, user):
    credentials = {"email": user.email, "password": "not the password"}
    portuguese = post(client, "token", credentials)
    english = post(client, "token", credentials, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert portuguese.status_code == english.status_code == 401
    assert portuguese.json() == {
        "detail": "Nenhuma conta ativa corresponde a este e-mail e senha.",
        "code": "invalid_credentials",
    }
    assert english.json() == {
        "detail": "No active account matches this email and password.",
        "code": "invalid_credentials",
    }
