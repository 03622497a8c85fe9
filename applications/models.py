"""The Bürgergeld application (SGB II) and everything attached to it.

State changes go through ``applications.workflow.application_transition``;
every other write through the services in ``applications.services``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.constants import (
    OPEN_STATUSES,
    OTHER_DOCUMENT,
    ApplicationKind,
    ApplicationStatus,
    AssetKind,
    DocumentRequestStatus,
    HealthInsuranceKind,
    HeatingFuel,
    HotWater,
    HousingType,
    IncomeKind,
    MaritalStatus,
    Relationship,
    Sex,
    TimelineKind,
)
from portal.models import Jobcenter, Team

MONEY = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


class Application(models.Model):
    """One application for the whole household (Bedarfsgemeinschaft).

    The Hauptantrag's address and contact live here; the applicant's personal
    data is the household member with ``relationship=applicant``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1)  # ETag / If-Match
    kind = models.CharField(_("kind"), max_length=16, choices=ApplicationKind.choices, default=ApplicationKind.FIRST)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    # Human-readable, e.g. KL-2026-000123; given when the application is lodged.
    reference = models.CharField(_("reference number"), max_length=32, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # §37 SGB II: the application takes effect from the first day of the month it was lodged in.
    lodged_at = models.DateTimeField(_("lodged at"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    complete_by = models.DateField(_("complete by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    # The data as submitted, frozen, with its checksum (the legal record).
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    # The staff queue (assignment and routing).
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_applications",
    )

    # Hauptantrag: address and contact of the household.
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    address_addition = models.CharField(_("address addition"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    # "Does anyone in the household have income / assets?" (None: not yet answered)
    has_income = models.BooleanField(_("household has income"), null=True, blank=True)
    has_assets = models.BooleanField(_("household has assets"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open first application per citizen.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(kind=ApplicationKind.FIRST, status__in=sorted(OPEN_STATUSES)),
                name="application_one_open_first_per_applicant",
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT) | Q(lodged_at__isnull=False, reference__isnull=False),
                name="application_lodged_has_date_and_reference",
            ),
        ]
        indexes = [models.Index(fields=["jobcenter", "status", "lodged_at"], name="application_queue_idx")]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.reference or f"draft {self.public_id}"

    @property
    def applicant_member(self) -> HouseholdMember | None:
        """The household member who applies (read from the prefetched ``members`` when loaded)."""
        return next((m for m in self.members.all() if m.relationship == Relationship.APPLICANT), None)


class ReferenceSequence(models.Model):
    """The last reference number given per Jobcenter and year (row-locked when counting)."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "year"], name="reference_sequence_unique_jobcenter_year")
        ]

    def __str__(self) -> str:
        return f"{self.jobcenter_id}/{self.year}: {self.last_number}"


class HouseholdMember(models.Model):
    """A person of the Bedarfsgemeinschaft, the applicant included."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_name = models.CharField(_("birth name"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_country = models.CharField(_("country of birth"), max_length=2, blank=True)  # ISO 3166-1 alpha-2
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)  # ISO 3166-1 alpha-2
    marital_status = models.CharField(_("marital status"), max_length=20, choices=MaritalStatus.choices, blank=True)
    pension_insurance_number = models.CharField(_("pension insurance number"), max_length=12, blank=True)

    health_insurance_kind = models.CharField(
        _("health insurance"), max_length=12, choices=HealthInsuranceKind.choices, blank=True
    )
    health_insurer = models.CharField(_("health insurance fund"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(relationship=Relationship.APPLICANT),
                name="household_one_applicant_per_application",
            )
        ]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or str(self.public_id)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class HousingCosts(models.Model):
    """Kosten der Unterkunft und Heizung (KdU), §22 SGB II; Anlage KDU."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="housing")
    housing_type = models.CharField(_("housing"), max_length=8, choices=HousingType.choices, blank=True)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    rooms = models.DecimalField(
        _("rooms"), max_digits=3, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    persons = models.PositiveSmallIntegerField(_("persons living in the home"), null=True, blank=True)
    base_rent = models.DecimalField(_("base rent per month"), **MONEY)
    service_charges = models.DecimalField(_("service charges per month"), **MONEY)
    heating_costs = models.DecimalField(_("heating costs per month"), **MONEY)
    heating_fuel = models.CharField(_("heating fuel"), max_length=12, choices=HeatingFuel.choices, blank=True)
    hot_water = models.CharField(_("hot water"), max_length=12, choices=HotWater.choices, blank=True)
    landlord_name = models.CharField(_("landlord"), max_length=200, blank=True)
    rent_paid_to_landlord = models.BooleanField(_("pay rent directly to the landlord"), null=True, blank=True)

    class Meta:
        verbose_name = _("housing costs")
        verbose_name_plural = _("housing costs")

    def __str__(self) -> str:
        return f"housing of {self.application_id}"


class IncomeEntry(models.Model):
    """Monthly income of one person (Anlage EK / EKS)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="income_entries")
    member = models.ForeignKey(HouseholdMember, on_delete=models.CASCADE, related_name="income_entries")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of income"), max_length=24, choices=IncomeKind.choices)
    gross_monthly = models.DecimalField(_("gross per month"), **MONEY)
    net_monthly = models.DecimalField(_("net per month"), **MONEY)
    source = models.CharField(_("employer or paying body"), max_length=200, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("income")
        verbose_name_plural = _("income")

    def __str__(self) -> str:
        return f"{self.kind} of {self.member_id}"


class AssetEntry(models.Model):
    """Assets of one person (Anlage VM)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="asset_entries")
    member = models.ForeignKey(HouseholdMember, on_delete=models.CASCADE, related_name="asset_entries")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind of asset"), max_length=24, choices=AssetKind.choices)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")

    def __str__(self) -> str:
        return f"{self.kind} of {self.member_id}"


class BankAccount(models.Model):
    """The account the benefit is paid into."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="bank_account")
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)  # compact form, validated with schwifty
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self) -> str:
        return f"account of {self.application_id}"


class DocumentRequestQuerySet(models.QuerySet):
    def overdue(self, today: date) -> DocumentRequestQuerySet:
        """The SQL form of ``DocumentRequest.is_overdue``: open and past the deadline."""
        return self.filter(status=DocumentRequestStatus.OPEN, deadline__lt=today)


class DocumentRequest(models.Model):
    """A request to cooperate (Mitwirkung, §60 SGB I): staff asks for documents.

    Benefits may be refused for lack of cooperation only after a written
    warning of the consequences and a reasonable deadline (§66 SGB I), so the
    warning text shown is stored with its version (in German; see below).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="document_requests")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    description = models.TextField(_("what is needed"))
    legal_basis = models.TextField(_("legal basis"))
    deadline = models.DateField(_("deadline"))
    consequences_text = models.TextField(_("warning of the consequences"))
    consequences_version = models.CharField(_("version of the warning"), max_length=20)
    # The binding text is German (Amtssprache, §19 SGB X); a translation into
    # the citizen's language is an aid shown beside it, never instead of it.
    consequences_translation = models.TextField(_("translation of the warning (aid)"), blank=True)
    translation_language = models.CharField(_("language of the translation"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentRequestStatus.choices, default=DocumentRequestStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("reason"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = DocumentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")

    def __str__(self) -> str:
        return f"request {self.public_id} ({self.status})"

    def is_overdue(self, today: date) -> bool:
        """Still open after its deadline (a Berlin date): the citizen may still answer (§67 SGB I)."""
        return self.status == DocumentRequestStatus.OPEN and self.deadline < today


class Document(models.Model):
    """Evidence (Nachweis) uploaded by the citizen, in private storage under a random name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Name inside ``storages["private"]``; never derived from the client's file name.
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)  # sanitised, metadata only
    content_type = models.CharField(max_length=50)  # decided from the content
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    checklist_key = models.CharField(_("checklist item"), max_length=100, default=OTHER_DOCUMENT)
    document_request = models.ForeignKey(
        DocumentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    # Set for a file sent with a Postfach message (``message_post``). RESTRICT: a message is
    # never deleted on its own while it carries files; with the application both go.
    message = models.ForeignKey("Message", on_delete=models.RESTRICT, null=True, blank=True, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What ``files.check_upload`` flagged for staff: "javascript", "auto_action" (PDF scripts and
    # actions that run on opening). Refused content never gets this far.
    active_content = models.JSONField(_("active content"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name


class Message(models.Model):
    """The Postfach thread of one application, between the citizen and the Jobcenter."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_jobcenter = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_by_citizen_at = models.DateTimeField(null=True, blank=True)
    read_by_jobcenter_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"], name="message_thread_idx")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"message {self.public_id}"


class StatusChange(models.Model):
    """History of status changes (who, when, from, to, why)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=24, choices=ApplicationStatus.choices)
    to_status = models.CharField(max_length=24, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class TimelineEvent(models.Model):
    """What the citizen sees happen to their application. Only public facts:
    staff-internal notes never become a timeline event."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="timeline")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32, choices=TimelineKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict, blank=True)  # e.g. {"deadline": "2026-04-14", "request": "<uuid>"}

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"
