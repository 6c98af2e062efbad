"""The referral routes' own records, linked to their obligations in the ledger:

- **ChildAssessment**: a child and family assessment a front door decided on (its own
  45-working-day clock, the ledger's ``Deadline`` it links to, and the CIN factors found);
- **MaracReferral**: what a MARAC referral carries (criteria, safe contact, whether the
  victim knows), with **MaracReferralChild** for each household child, linked to their
  children's services notification.

The tables keep the names they had in the ledger app (``obligations_*``): the move changed
which app owns them, not a row (migrations ``referrals.0001``, ``0002`` and
``obligations.0005``).
"""

from __future__ import annotations

from django.db import models

from hearth.core.models import TimeStampedModel
from hearth.obligations.models import Obligation


class ChildAssessment(TimeStampedModel):
    """A child and family assessment decided on a child concern notification: at most 45
    working days from the referral (Working Together 2023), with the CIN factors found."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=40)  # the decision that started it
    started_on = models.DateField()
    authorised_on = models.DateField(null=True, blank=True)
    factors = models.JSONField(default=list, blank=True)

    # Its own clock: the assessment's deadline on the ledger (45 working days).
    deadline = models.OneToOneField(
        "obligations.Deadline",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessment",
    )

    class Meta:
        db_table = "obligations_childassessment"
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"Assessment {self.pk} for obligation {self.obligation_id}"

    @property
    def is_complete(self) -> bool:
        return self.authorised_on is not None and bool(self.factors)


class MaracReferral(TimeStampedModel):
    """What a MARAC referral carries (SafeLives referral form, domain.md §2.3)."""

    obligation = models.OneToOneField(
        Obligation, on_delete=models.CASCADE, related_name="marac_referral"
    )
    criteria = models.JSONField(default=list)
    criteria_basis = models.JSONField(default=list)
    safe_contact_number = models.CharField(max_length=40, blank=True)
    number_safe_to_call = models.BooleanField(null=True, blank=True)
    safe_times = models.CharField(max_length=200, blank=True)
    afraid_of = models.CharField(max_length=300, blank=True)
    victim_aware = models.BooleanField(null=True, blank=True)
    not_aware_reason = models.TextField(blank=True)
    consent_given = models.BooleanField(null=True, blank=True)

    class Meta:
        db_table = "obligations_maracreferral"

    def __str__(self) -> str:
        return f"MARAC referral for obligation {self.obligation_id}"


class MaracReferralChild(models.Model):
    """A child in the victim's household, linked to their child concern notification."""

    referral = models.ForeignKey(MaracReferral, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    notification = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        db_table = "obligations_maracreferralchild"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "child"], name="one_link_per_child")
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} in MARAC referral {self.referral_id}"
