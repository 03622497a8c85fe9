"""What every app shares: the organisation (tenant), the user, the audit trail
and the record that makes POSTs idempotent."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.constants import JOBCENTER_ROLES, MFA_ROLES, Role, TeamKind

# A person without a name appears as their role; the work role wins over "citizen".
DISPLAY_ROLE_ORDER = (Role.COUNSELLOR, Role.TEAM_LEAD, Role.STAFF, Role.ADMIN, Role.CITIZEN)


class Jobcenter(models.Model):
    """The tenant. One installation serves many Jobcenters; staff see only their own."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    # Prefix of human-readable reference numbers, e.g. "KL" for Kaiserslautern.
    reference_prefix = models.CharField(max_length=8, default="JC")
    # Citizens' second factor (portal/mfa.py has the rule who is bound and from when).
    citizen_mfa_required = models.BooleanField(
        _("citizens need a second factor"),
        default=False,
        help_text=_("Citizens must set up a passkey or an authenticator app after the grace period."),
    )
    citizen_mfa_grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=30,
        help_text=_(
            "Days a citizen may still log in without a second factor (and is reminded), counted from "
            "when the requirement was switched on or from the citizen's registration, whichever is later."
        ),
    )
    # Set when ``citizen_mfa_required`` is switched on (portal.mfa.jobcenter_citizen_mfa_update).
    citizen_mfa_required_since = models.DateTimeField(_("second factor required since"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Jobcenter")
        verbose_name_plural = _("Jobcenters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(citizen_mfa_required=False) | models.Q(citizen_mfa_required_since__isnull=False),
                name="jobcenter_citizen_mfa_required_has_since",
            ),
            models.CheckConstraint(
                condition=models.Q(citizen_mfa_grace_days__lte=365),
                name="jobcenter_citizen_mfa_grace_at_most_a_year",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices, default=TeamKind.OTHER)

    class Meta:
        ordering = ["jobcenter", "name"]
        constraints = [models.UniqueConstraint(fields=["jobcenter", "name"], name="team_unique_name_per_jobcenter")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return f"{self.name} ({self.jobcenter})"


class Location(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    # {"mon": [["08:00", "12:30"]], "thu": [["08:00", "12:30"], ["14:00", "18:00"]], ...}
    opening_hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    accessibility_note = models.CharField(_("accessibility"), max_length=300, blank=True)

    class Meta:
        ordering = ["jobcenter", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return f"{self.name}, {self.street}, {self.postcode} {self.city}"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who logs in: citizen, counsellor, staff member, team lead or admin.

    ``is_staff`` keeps Django's meaning (may open the admin site); the portal's
    roles are groups (see ``portal.constants.Role``).
    """

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="de",
        choices=[("de", "Deutsch"), ("en", "English"), ("uk", "Українська")],
    )
    # A calendar file with appointment e-mails (it names the time): only when the
    # person asks for it; its title is neutral (portal/mail.py, appointments/ics.py).
    email_calendar_attachment = models.BooleanField(_("calendar file in e-mails"), default=False)
    # Bumped by every change through the API: the ETag of ``/api/v1/me/``.
    version = models.PositiveIntegerField(default=1, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        """How this person appears to others (a video room, a queue, an
        appointment): the name they entered, else the label of their role
        ("Bürgerin / Bürger", translated). Never a part of the e-mail address:
        guests and staff need no hint at a citizen's mail account."""
        name = self.get_full_name().strip()
        if name:
            return name
        role = next((r for r in DISPLAY_ROLE_ORDER if r.value in self.roles), Role.CITIZEN)
        return str(role.label)

    @property
    def roles(self) -> frozenset[str]:
        """Role names of this user, cached on the instance (one query)."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            if not self.pk or not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(self.groups.values_list("name", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def needs_mfa(self) -> bool:
        return bool(self.roles & MFA_ROLES)

    @property
    def works_for_jobcenter(self) -> bool:
        return bool(self.roles & JOBCENTER_ROLES) and self.jobcenter_id is not None


class AuditEvent(models.Model):
    """Append-only record of who did or read what (Sozialgeheimnis, §35 SGB I, §78a SGB X).

    No personal data in here: ids, an action code and small structured facts.
    The actor is not a foreign key with a constraint, so deleting a user does
    not have to UPDATE rows that the PostgreSQL trigger keeps immutable.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    jobcenter = models.ForeignKey(
        Jobcenter, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class IdempotencyRecord(models.Model):
    """The first response to a POST with an ``Idempotency-Key``, kept for 24 h."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=255)  # method and path
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    completed = models.BooleanField(default=False)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    response_headers = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")]

    def __str__(self) -> str:
        return f"{self.scope} ({self.key})"


class JobcenterTextKind(models.TextChoices):
    """The texts a Jobcenter writes for its pages (footer and legal pages)."""

    ADDRESS = "address", _("Address")
    OPENING_HOURS = "opening_hours", _("Opening hours")
    CONTACT = "contact", _("Contact")
    IMPRESSUM = "impressum", _("Legal notice (Impressum)")
    PRIVACY = "privacy", _("Privacy policy (Datenschutzerklärung)")
    ACCESSIBILITY = "accessibility", _("Accessibility statement (Erklärung zur Barrierefreiheit)")


class JobcenterText(models.Model):
    """One text of a Jobcenter's pages, in German with optional English and Ukrainian.

    Plain text: blank lines separate paragraphs (rendered with ``linebreaks``,
    escaped), so an editor in the admin cannot put markup or script on a page.
    """

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.CASCADE, related_name="texts")
    kind = models.CharField(_("kind"), max_length=20, choices=JobcenterTextKind.choices)
    text_de = models.TextField(_("text (German)"))
    text_en = models.TextField(_("text (English)"), blank=True, help_text=_("Empty: the German text is shown."))
    text_uk = models.TextField(_("text (Ukrainian)"), blank=True, help_text=_("Empty: the German text is shown."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["jobcenter", "kind"]
        verbose_name = _("page text")
        verbose_name_plural = _("page texts")
        constraints = [models.UniqueConstraint(fields=["jobcenter", "kind"], name="jobcentertext_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.jobcenter})"

    def text_for(self, language: str) -> tuple[str, str]:
        """The text in ``language`` and the language it is really in (German when missing)."""
        text = getattr(self, f"text_{language}", "") if language in ("en", "uk") else ""
        return (text, language) if text else (self.text_de, "de")


class AccessibilityFeedback(models.Model):
    """A report of a barrier sent through the accessibility statement (BITV 2.0 §7)."""

    jobcenter = models.ForeignKey(Jobcenter, on_delete=models.PROTECT, related_name="accessibility_feedback")
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    message = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.jobcenter})"
