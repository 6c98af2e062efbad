"""django-allauth's emails (password reset, "unknown account") go through Hearth's notify
port like every other message: recorded in the outbox, refused to a contact marked
unsafe, and sent only by the delivery worker (issue 11 point 1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import User
from hearth.core.models import Channel, OutboundMessage, UnsafeContact

EMAIL = "sam.reed@example.org"
UNKNOWN = "nobody.here@example.org"
REASON = "The perpetrator has access to this address"

pytestmark = pytest.mark.django_db


def ask_for_a_reset(address: str) -> None:
    response = Client().post(reverse("account_reset_password"), {"email": address})
    assert response["Location"] == reverse("account_reset_password_done")


def test_a_password_reset_email_is_recorded_and_sent_only_by_the_delivery_worker(
    deliver_outbox: Callable[[], object],
) -> None:
    user = User.objects.create_user(EMAIL, "a-long-password-123")
    ask_for_a_reset(EMAIL)
    assert mail.outbox == []  # nothing leaves from the request
    record = OutboundMessage.objects.get(recipient=EMAIL)
    assert (record.status, record.purpose) == (
        OutboundMessage.Status.QUEUED,
        "account_password_reset",
    )
    assert (record.about_type, record.about_id) == ("accounts.user", str(user.pk))
    assert "/account/password/reset/key/" in record.body

    deliver_outbox()
    (sent,) = mail.outbox
    assert sent.to == [EMAIL]
    assert "/account/password/reset/key/" in sent.body
    assert sent.extra_headers["Message-ID"] == record.message_id
    record.refresh_from_db()
    # Delivered: the sign-in link it carried is not kept.
    assert (record.status, record.body) == (OutboundMessage.Status.SENT, "")


def test_a_password_reset_email_to_an_address_marked_unsafe_is_refused_and_recorded(
    deliver_outbox: Callable[[], object],
) -> None:
    User.objects.create_user(EMAIL, "a-long-password-123")
    UnsafeContact.objects.create(channel=Channel.EMAIL, value=EMAIL, reason=REASON)
    ask_for_a_reset(EMAIL.upper())
    deliver_outbox()
    assert mail.outbox == []
    record = OutboundMessage.objects.get(purpose="account_password_reset")
    assert (record.status, record.refused_reason) == (OutboundMessage.Status.REFUSED, REASON)


def test_the_unknown_account_email_goes_through_the_port_too(
    deliver_outbox: Callable[[], object],
) -> None:
    ask_for_a_reset(UNKNOWN)
    record = OutboundMessage.objects.get(recipient=UNKNOWN)
    assert record.purpose == "account_unknown_account"
    deliver_outbox()
    assert [m.to for m in mail.outbox] == [[UNKNOWN]]
