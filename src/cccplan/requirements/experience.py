"""Clauses 4 and 5: service provision and the customer experience.

One model per clause, holding what a real client-CCC agreement records for
it: the scope of the service and the CCC's conformity to ISO 18295-1 (4),
the customers' needs and their evidence (5.2), the experience strategy
(5.3, arranged with the CCC under 6.2), the cost to the customer (5.5),
consistency of information (5.6), protection of the customer (5.7), ethical
behaviour (5.8) and customer data (5.9). Clause 5.4 (access) is in
:mod:`cccplan.requirements.access`.

The structure follows ISO 18295-2:2017; no wording of the standard is
reproduced.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from cccplan.requirements._base import Clause
from cccplan.requirements._types import (
    Channel,
    Currency,
    Duration,
    FieldError,
    Fraction,
    Party,
    PositiveDuration,
    Record,
    Timezone,
)
from cccplan.requirements.access import HolidayCalendar, WeeklyHours

__all__ = [
    "CallingWindow",
    "ComplaintRoute",
    "Conformity",
    "CustomerCost",
    "CustomerData",
    "CustomerNeeds",
    "CustomerProtection",
    "CustomerSegment",
    "EthicalBehaviour",
    "Evidence",
    "ExperienceStrategy",
    "InformationConsistency",
    "Objective",
    "PolicyReference",
    "Processing",
    "Retention",
    "ServiceProvision",
    "SuppressionList",
    "Tariff",
]

Text = Annotated[str, Field(min_length=1)]


def _unique(items: tuple[str, ...], field: str, what: str) -> None:
    seen: set[str] = set()
    for number, item in enumerate(items):
        if item in seen:
            raise FieldError(f"{field}[{number}]", f"{what} {item!r} is given twice")
        seen.add(item)


# ---------------------------------------------------------------------------
# 4 Client requirements for CCC service provision
# ---------------------------------------------------------------------------


class Conformity(Record):
    """The CCC's conformity to ISO 18295-1.

    Parameters
    ----------
    status : {"certified", "self_declared", "in_progress"}
        Certified by a certification body, declared by the CCC itself, or
        being prepared.
    certificate : str, optional
        Certificate number (required when certified).
    certification_body : str, optional
    valid_until : date, optional
        Expiry of the certificate (required when certified).
    evidence : str, optional
        Where the evidence is kept.
    """

    standard: Literal["ISO 18295-1"] = "ISO 18295-1"
    status: Literal["certified", "self_declared", "in_progress"]
    certificate: str | None = None
    certification_body: str | None = None
    valid_until: dt.date | None = None
    evidence: str | None = None

    @model_validator(mode="after")
    def _certified(self) -> Conformity:
        if self.status == "certified":
            if not self.certificate:
                raise FieldError("certificate", "a certified CCC has a certificate number")
            if self.valid_until is None:
                raise FieldError("valid_until", "a certificate has an expiry date")
        return self


class ServiceProvision(Clause):
    """Client requirements for CCC service provision (clause 4).

    Parameters
    ----------
    scope : str
        What the CCC does for the client, in a sentence or two.
    services : list of str
        The services in scope (billing enquiries, technical support, ...).
    out_of_scope : list of str
        What the CCC does not do.
    in_house : bool, default False
        Whether the CCC is the client's own.
    locations : list of str
        Sites the service is delivered from.
    subcontracting_allowed : bool, default False
    ccc_conformity : Conformity
        The CCC's conformity to ISO 18295-1.
    """

    clause: ClassVar[str] = "4"
    title: ClassVar[str] = "Client requirements for CCC service provision"

    scope: Text
    services: tuple[str, ...] = ()
    out_of_scope: tuple[str, ...] = ()
    in_house: bool = False
    locations: tuple[str, ...] = ()
    subcontracting_allowed: bool = False
    ccc_conformity: Conformity


# ---------------------------------------------------------------------------
# 5.2 Identification of customer needs
# ---------------------------------------------------------------------------


class CustomerSegment(Record):
    """A group of customers with shared needs."""

    name: Text
    description: str | None = None
    share: Fraction | None = None
    needs: tuple[str, ...] = ()
    preferred_channels: tuple[Channel, ...] = ()
    vulnerable: bool = False


class Evidence(Record):
    """A source the needs are based on, with the date it was collected."""

    kind: Literal[
        "survey",
        "complaints",
        "contact_analytics",
        "market_research",
        "focus_group",
        "web_analytics",
        "other",
    ]
    description: Text
    collected: dt.date
    reference: str | None = None


class CustomerNeeds(Clause):
    """Identification of customer needs (clause 5.2).

    Parameters
    ----------
    segments : list of CustomerSegment
        Customer groups, their needs and preferred channels.
    evidence : list of Evidence
        What the needs are based on, dated.
    review_period : duration
        How often the needs are reviewed, e.g. ``"52W"``.
    last_reviewed : date
    """

    clause: ClassVar[str] = "5.2"
    title: ClassVar[str] = "Identification of customer needs"

    segments: Annotated[tuple[CustomerSegment, ...], Field(min_length=1)]
    evidence: Annotated[tuple[Evidence, ...], Field(min_length=1)]
    review_period: PositiveDuration
    last_reviewed: dt.date

    @model_validator(mode="after")
    def _consistent(self) -> CustomerNeeds:
        _unique(tuple(s.name for s in self.segments), "segments", "segment")
        total = sum(s.share or 0.0 for s in self.segments)
        if total > 1.0 + 1e-9:
            raise FieldError("segments", f"the segments' shares add up to {total:.2f}, above 1")
        return self

    @property
    def next_review(self) -> dt.date:
        """The date the needs are due for review."""
        return self.last_reviewed + dt.timedelta(seconds=self.review_period)


# ---------------------------------------------------------------------------
# 5.3 and 6.2 Customer experience strategy
# ---------------------------------------------------------------------------


class Objective(Record):
    """An objective of the experience strategy, tied to KPIs of clause 6.8 by name."""

    name: Text
    description: str | None = None
    kpis: Annotated[tuple[str, ...], Field(min_length=1)]


class ExperienceStrategy(Clause):
    """Customer experience strategy (clause 5.3; shared with the CCC under 6.2).

    Parameters
    ----------
    objectives : list of Objective
        Each tied to one or more KPI names of the monitoring clause (6.8).
    owner : str
        Who owns the strategy at the client.
    approved : date, optional
    next_review : date
    shared_with_ccc : date, optional
        When the strategy was last briefed to the CCC (6.2).
    """

    clause: ClassVar[str] = "5.3"
    also: ClassVar[tuple[str, ...]] = ("6.2",)
    title: ClassVar[str] = "Customer experience strategy"

    objectives: Annotated[tuple[Objective, ...], Field(min_length=1)]
    owner: Text
    approved: dt.date | None = None
    next_review: dt.date
    shared_with_ccc: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ExperienceStrategy:
        _unique(tuple(o.name for o in self.objectives), "objectives", "objective")
        if self.approved is not None and self.next_review < self.approved:
            raise FieldError(
                "next_review",
                f"the next review ({self.next_review}) is before the approval ({self.approved})",
            )
        return self


# ---------------------------------------------------------------------------
# 5.5 Cost to the customer
# ---------------------------------------------------------------------------

Disclosure = Literal[
    "website", "ivr_announcement", "contract", "invoice", "app", "advertising", "price_list"
]


class Tariff(Record):
    """What a customer pays to reach a channel.

    Parameters
    ----------
    channel : str
    number : str, optional
        The number or address the tariff applies to.
    tariff : {"free", "local", "national", "mobile", "shared_cost", "premium", "international"}
    price_per_minute : float, default 0
        In ``currency``, the highest a customer pays (e.g. from a mobile network).
    connection_fee : float, default 0
    currency : str
        ISO 4217 code such as ``"EUR"``.
    queue_time_charged : bool
        Whether time waiting in the queue is charged.
    disclosure : list
        Where the price is shown to the customer.
    """

    channel: Channel
    number: str | None = None
    tariff: Literal[
        "free", "local", "national", "mobile", "shared_cost", "premium", "international"
    ]
    price_per_minute: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    connection_fee: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    currency: Currency
    queue_time_charged: bool
    disclosure: Annotated[tuple[Disclosure, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Tariff:
        if self.tariff == "free" and (self.price_per_minute > 0 or self.connection_fee > 0):
            raise FieldError(
                "price_per_minute", "a free tariff has no price per minute and no connection fee"
            )
        if (
            self.tariff == "premium"
            and self.queue_time_charged
            and "ivr_announcement" not in (self.disclosure)
        ):
            raise FieldError(
                "disclosure",
                "a premium number that charges queue time must announce its price in the IVR "
                "(add 'ivr_announcement')",
            )
        return self


class CustomerCost(Clause):
    """Cost to the customer (clause 5.5): the tariffs of the contact channels."""

    clause: ClassVar[str] = "5.5"
    title: ClassVar[str] = "Cost to the customer"

    tariffs: Annotated[tuple[Tariff, ...], Field(min_length=1)]
    free_alternative: Channel | None = None


# ---------------------------------------------------------------------------
# 5.6 Consistency of information
# ---------------------------------------------------------------------------


class InformationConsistency(Clause):
    """Consistency of information (clause 5.6): one knowledge base, kept in sync.

    Parameters
    ----------
    knowledge_base : str
        The system holding the information agents give customers.
    knowledge_version : str
        The version agreed as current.
    version_date : date, optional
    max_sync_lag : duration
        Longest time between a change at the client and its arrival in the
        CCC's knowledge base, e.g. ``"24h"``.
    channels : list of str
        Channels answering from it (empty: all).
    owner : {"client", "ccc"}, default "client"
    """

    clause: ClassVar[str] = "5.6"
    title: ClassVar[str] = "Consistency of information"

    knowledge_base: Text
    knowledge_version: Text
    version_date: dt.date | None = None
    max_sync_lag: Duration
    channels: tuple[Channel, ...] = ()
    owner: Party = "client"


# ---------------------------------------------------------------------------
# 5.7 Protection of the customer
# ---------------------------------------------------------------------------


class PolicyReference(Record):
    """A policy document: its name, where it is, its version and review."""

    name: Text
    reference: str | None = None
    version: str | None = None
    approved: dt.date | None = None
    review_period: PositiveDuration | None = None


class ComplaintRoute(Record):
    """How a customer complains and how far it can be escalated."""

    channels: Annotated[tuple[Channel, ...], Field(min_length=1)]
    address: str | None = None
    acknowledge_within: Duration
    escalation: str | None = None


class CustomerProtection(Clause):
    """Protection of the customer (clause 5.7).

    Parameters
    ----------
    vulnerable_customer_policy : PolicyReference
    complaint_route : ComplaintRoute
    identity_verification : str, optional
        How callers are identified before account details are given.
    """

    clause: ClassVar[str] = "5.7"
    title: ClassVar[str] = "Protection of the customer"

    vulnerable_customer_policy: PolicyReference
    complaint_route: ComplaintRoute
    identity_verification: str | None = None


# ---------------------------------------------------------------------------
# 5.8 Ethical behaviour
# ---------------------------------------------------------------------------


class CallingWindow(Record):
    """When outbound calls to a jurisdiction may be placed (local time there)."""

    jurisdiction: Text
    timezone: Timezone
    hours: WeeklyHours
    holidays: HolidayCalendar | None = None


class SuppressionList(Record):
    """A do-not-call list the CCC screens against, and how often it is refreshed."""

    name: Text
    jurisdiction: str | None = None
    refresh_every: PositiveDuration
    last_refreshed: dt.date | None = None


class EthicalBehaviour(Clause):
    """Ethical behaviour (clause 5.8): outbound calling windows, suppression, selling.

    Parameters
    ----------
    calling_windows : list of CallingWindow
        One per jurisdiction called.
    suppression_lists : list of SuppressionList
    max_attempts_per_day : int, optional
        Call attempts per customer and day.
    pressure_selling_prohibited : bool, default True
        Whether incentives that reward pressure selling are excluded.
    code_of_conduct : str, optional
        Reference of the code agents follow.
    """

    clause: ClassVar[str] = "5.8"
    title: ClassVar[str] = "Ethical behaviour"

    calling_windows: tuple[CallingWindow, ...] = ()
    suppression_lists: tuple[SuppressionList, ...] = ()
    max_attempts_per_day: Annotated[int, Field(ge=1)] | None = None
    pressure_selling_prohibited: bool = True
    code_of_conduct: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EthicalBehaviour:
        _unique(
            tuple(w.jurisdiction for w in self.calling_windows), "calling_windows", "jurisdiction"
        )
        return self


# ---------------------------------------------------------------------------
# 5.9 Customer data
# ---------------------------------------------------------------------------

LawfulBasis = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
]


class Processing(Record):
    """A purpose customer data are processed for, and its lawful basis."""

    purpose: Text
    lawful_basis: LawfulBasis


class Retention(Record):
    """How long records of one type are kept; ``oldest_held`` as last reported by the CCC."""

    record_type: Text
    period: PositiveDuration
    oldest_held: dt.date | None = None


class CustomerData(Clause):
    """Customer data (clause 5.9).

    Parameters
    ----------
    controller : {"client", "ccc"}, default "client"
    processing : list of Processing
        Purposes and their lawful basis.
    retention : list of Retention
        One per record type (recordings, transcripts, contact records).
    allowed_regions : list of str
        Where data may be stored and accessed (``"EEA"``, ``"DE"``, ...).
    recording_consent : {"not_recorded", "announcement_with_opt_out", "explicit_consent"}
    dpa_signed : date, optional
        Date of the data processing agreement.
    breach_notification : duration, optional
        How fast the CCC reports a data breach to the client.
    last_reviewed : date, optional
    review_period : duration, optional
    """

    clause: ClassVar[str] = "5.9"
    title: ClassVar[str] = "Customer data"

    controller: Party = "client"
    processing: Annotated[tuple[Processing, ...], Field(min_length=1)]
    retention: tuple[Retention, ...] = ()
    allowed_regions: Annotated[tuple[str, ...], Field(min_length=1)]
    recording_consent: Literal["not_recorded", "announcement_with_opt_out", "explicit_consent"]
    dpa_signed: dt.date | None = None
    breach_notification: Duration | None = None
    last_reviewed: dt.date | None = None
    review_period: PositiveDuration | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CustomerData:
        _unique(tuple(r.record_type for r in self.retention), "retention", "record type")
        if (self.last_reviewed is None) != (self.review_period is None):
            raise FieldError(
                "review_period", "give last_reviewed and review_period together, or neither"
            )
        return self
