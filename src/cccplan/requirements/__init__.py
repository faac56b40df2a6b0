"""Requirement objects for ISO 18295-2, the Agreement, and the findings of checks against it.

ISO 18295-2 sets requirements for a client using a customer contact centre
(CCC). cccplan represents them as typed, frozen pydantic models, one per
clause (:data:`CLAUSES`), that together make an :class:`Agreement` between a
client and its CCC:

- :class:`Agreement`: parties, effective dates, queues and the clause objects;
  read from and written to YAML, TOML or JSON, with a JSON schema for other
  tools; :meth:`Agreement.targets_for` and :meth:`Agreement.opening_hours_for`
  feed :func:`cccplan.staff` and the frames; :meth:`Agreement.check` returns
  :class:`Finding` records computed from data, and
  :meth:`Agreement.attestations` the items to attest by hand.
- Clause models: :class:`ServiceProvision` (4), :class:`CustomerNeeds` (5.2),
  :class:`ExperienceStrategy` (5.3, 6.2), :class:`AccessStrategy` (5.4, 6.3),
  :class:`CustomerCost` (5.5), :class:`InformationConsistency` (5.6),
  :class:`CustomerProtection` (5.7), :class:`EthicalBehaviour` (5.8),
  :class:`CustomerData` (5.9), :class:`RolesAndResponsibilities` (6.4),
  :class:`Communication` (6.5), :class:`Operations` (6.6),
  :class:`ForecastingAndPlanning` (6.7), :class:`Monitoring` (6.8),
  :class:`CustomerFeedback` (6.9), :class:`ServiceTerms` (6.10).
- :class:`Finding`: one result of a compliance check or a reconciliation.

The structure follows ISO 18295-2:2017; the standard's wording is not
reproduced. See docs/requirements.md.
"""

from __future__ import annotations

from cccplan.requirements.access import (
    AccessStrategy,
    ChannelAccess,
    DeferredGoal,
    HolidayCalendar,
    ImmediateGoal,
    OutboundGoal,
    Queue,
    ServiceGoal,
)
from cccplan.requirements.agreement import (
    CLAUSE_FIELDS,
    CLAUSES,
    TITLES,
    Agreement,
    AttestationRecord,
    Organisation,
    Parties,
)
from cccplan.requirements.attest import Attestation
from cccplan.requirements.experience import (
    CustomerCost,
    CustomerData,
    CustomerNeeds,
    CustomerProtection,
    EthicalBehaviour,
    ExperienceStrategy,
    InformationConsistency,
    ServiceProvision,
)
from cccplan.requirements.findings import SEVERITIES, Finding, findings_frame, sort_findings
from cccplan.requirements.relationship import (
    KPI_FORMULAS,
    ChangeEvent,
    Communication,
    CustomerFeedback,
    ForecastingAndPlanning,
    KpiDefinition,
    Monitoring,
    Operations,
    RolesAndResponsibilities,
    ServiceTerms,
)

__all__ = [
    "CLAUSES",
    "CLAUSE_FIELDS",
    "KPI_FORMULAS",
    "SEVERITIES",
    "TITLES",
    "AccessStrategy",
    "Agreement",
    "Attestation",
    "AttestationRecord",
    "ChangeEvent",
    "ChannelAccess",
    "Communication",
    "CustomerCost",
    "CustomerData",
    "CustomerFeedback",
    "CustomerNeeds",
    "CustomerProtection",
    "DeferredGoal",
    "EthicalBehaviour",
    "ExperienceStrategy",
    "Finding",
    "ForecastingAndPlanning",
    "HolidayCalendar",
    "ImmediateGoal",
    "InformationConsistency",
    "KpiDefinition",
    "Monitoring",
    "Operations",
    "Organisation",
    "OutboundGoal",
    "Parties",
    "Queue",
    "RolesAndResponsibilities",
    "ServiceGoal",
    "ServiceProvision",
    "ServiceTerms",
    "findings_frame",
    "sort_findings",
]
