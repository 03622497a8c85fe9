"""Choices of the application (Antrag). Labels are what citizens and staff read."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationKind(models.TextChoices):
    FIRST = "first", _("First application")  # Erstantrag


class ApplicationStatus(models.TextChoices):
    """The states; allowed moves between them are in ``applications.workflow``."""

    DRAFT = "draft", _("Draft")
    LODGED = "lodged", _("Lodged (date secured)")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    DOCUMENTS_REQUESTED = "documents_requested", _("Documents requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An "open" application blocks a second first application of the same citizen.
OPEN_STATUSES = frozenset(
    {
        ApplicationStatus.DRAFT,
        ApplicationStatus.LODGED,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.DOCUMENTS_REQUESTED,
    }
)
DECIDED_STATUSES = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED})
FINAL_STATUSES = DECIDED_STATUSES | {ApplicationStatus.WITHDRAWN}
# The citizen may still change the form data (before submission).
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.LODGED})
# Lodged (date secured) and not yet decided or withdrawn: the citizen may withdraw.
WITHDRAWABLE_STATUSES = frozenset(
    {
        ApplicationStatus.LODGED,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.IN_REVIEW,
        ApplicationStatus.DOCUMENTS_REQUESTED,
    }
)
# Submitted and not yet decided: in the staff queue, on the §88 SGG clock.
IN_CASEWORK_STATUSES = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.DOCUMENTS_REQUESTED}
)
# Entering these, the reason given is shown to the citizen in the timeline.
PUBLIC_REASON_STATUSES = frozenset({ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN})


class Relationship(models.TextChoices):
    """Relationship of a household member to the applicant (Bedarfsgemeinschaft)."""

    APPLICANT = "applicant", _("Applicant")
    SPOUSE = "spouse", _("Spouse or registered partner")
    PARTNER = "partner", _("Partner (partnership of mutual responsibility)")  # Anlage VE
    CHILD = "child", _("Child")
    OTHER_RELATIVE = "other_relative", _("Other relative")  # Anlage HG
    OTHER = "other", _("Other person")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    UNSPECIFIED = "unspecified", _("not specified")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("single")
    MARRIED = "married", _("married")
    CIVIL_PARTNERSHIP = "civil_partnership", _("registered civil partnership")
    SEPARATED = "separated", _("permanently separated")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


class HousingType(models.TextChoices):
    RENT = "rent", _("Rented flat or house")
    OWN = "own", _("Own flat or house")
    NONE = "none", _("No own home")


class HeatingFuel(models.TextChoices):
    GAS = "gas", _("Gas")
    OIL = "oil", _("Oil")
    DISTRICT = "district", _("District heating")
    ELECTRICITY = "electricity", _("Electricity")
    WOOD = "wood", _("Wood or pellets")
    OTHER = "other", _("Other")


class HotWater(models.TextChoices):
    CENTRAL = "central", _("Central (with the heating)")
    DECENTRAL = "decentral", _("In the flat (boiler, instantaneous water heater)")  # Mehrbedarf


class IncomeKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Wages or salary")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment")  # Anlage EKS
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit", _("Unemployment benefit (Arbeitslosengeld)")
    PENSION = "pension", _("Pension")
    CHILD_BENEFIT = "child_benefit", _("Child benefit (Kindergeld)")
    CHILD_SUPPLEMENT = "child_supplement", _("Child supplement (Kinderzuschlag)")
    HOUSING_BENEFIT = "housing_benefit", _("Housing benefit (Wohngeld)")
    MAINTENANCE = "maintenance", _("Maintenance (Unterhalt)")
    PARENTAL_ALLOWANCE = "parental_allowance", _("Parental allowance (Elterngeld)")
    OTHER = "other", _("Other income")


class AssetKind(models.TextChoices):
    BANK_ACCOUNT = "bank_account", _("Bank account balance")
    SAVINGS = "savings", _("Savings")
    CASH = "cash", _("Cash")
    SECURITIES = "securities", _("Shares, funds, bonds")
    LIFE_INSURANCE = "life_insurance", _("Life or pension insurance")
    VEHICLE = "vehicle", _("Car or other vehicle")
    REAL_ESTATE = "real_estate", _("House, flat or land")
    OTHER = "other", _("Other assets")


class HealthInsuranceKind(models.TextChoices):
    STATUTORY = "statutory", _("Statutory health insurance")
    FAMILY = "family", _("Family insurance (through a family member)")
    PRIVATE = "private", _("Private health insurance")
    NONE = "none", _("Not insured")


class DocumentRequestStatus(models.TextChoices):
    """A request to cooperate (Mitwirkung, §60 SGB I)."""

    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    REJECTED = "rejected", _("Not accepted")


class TimelineKind(models.TextChoices):
    """What the citizen sees in their timeline. Staff-internal facts have no kind here."""

    CREATED = "created", _("Application started")
    LODGED = "lodged", _("Application lodged: your application date is secured")
    SUBMITTED = "submitted", _("Application submitted")
    IN_REVIEW = "in_review", _("Your application is being reviewed")
    DOCUMENTS_REQUESTED = "documents_requested", _("Documents requested")
    DOCUMENT_REQUEST_FULFILLED = "document_request_fulfilled", _("Requested documents accepted")
    DOCUMENT_REQUEST_REJECTED = "document_request_rejected", _("Requested documents not accepted")
    DOCUMENTS_RECEIVED = "documents_received", _("Documents received")
    MESSAGE_FROM_JOBCENTER = "message_from_jobcenter", _("New message from the Jobcenter")
    APPROVED = "approved", _("Decision: approved")
    REJECTED = "rejected", _("Decision: rejected")
    WITHDRAWN = "withdrawn", _("Application withdrawn")


OTHER_DOCUMENT = "other"

# Nationalities that need no residence title (EU, EEA, Switzerland), ISO 3166-1 alpha-2.
FREE_MOVEMENT_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO CH".split()
)
