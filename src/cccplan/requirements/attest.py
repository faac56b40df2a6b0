"""Attestation items: what data cannot show, attested by hand instead of left silent.

Many requirements of ISO 18295-2 are arrangements, not figures: a tariff is
disclosed, a data processing agreement is signed, the CCC's knowledge base is
at the agreed version. :func:`attestations` turns each such requirement of an
agreement into an :class:`Attestation` item: the clause, what is to be
attested, who attests it (from the responsibility matrix of 6.4 when it
names the clause, else the party that by nature holds the evidence), by when
and with what evidence. A clause the agreement leaves out becomes an item
too: agree it, or record why it does not apply.

An item is attested by an ``attested`` record of the agreement
(``{item, date, by, evidence}``); the next one is then due a period after it.
:meth:`cccplan.requirements.Agreement.check` lists overdue items as warnings
and the others as info, so nothing is silent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from cccplan.requirements._base import clause_label

if TYPE_CHECKING:
    from cccplan.requirements.agreement import Agreement

__all__ = ["Attestation", "attestations"]

_DAY = 86_400.0
_YEAR = 365 * _DAY
_QUARTER = 91 * _DAY
_MONTH = 30 * _DAY


@dataclasses.dataclass(frozen=True)
class Attestation:
    """One item to attest by hand.

    Parameters
    ----------
    clause : str
        The ISO 18295-2 clause, e.g. ``"5.5"``.
    what : str
        What is to be attested.
    who : str
        Who attests it (party, and the named contact when 6.4 gives one).
    due : datetime.date
        By when.
    evidence : str
        What evidence supports it.
    item : str
        A stable identifier, used by the agreement's ``attested`` records.
    every_days : float
        How often it is attested again, in days.
    last_attested : datetime.date or None
        The latest record, if any.
    overdue : bool
        Whether ``due`` is before the day of the check.
    """

    clause: str
    what: str
    who: str
    due: dt.date
    evidence: str
    item: str
    every_days: float
    last_attested: dt.date | None = None
    overdue: bool = False


@dataclasses.dataclass(frozen=True)
class _Item:
    item: str
    clause: str
    what: str
    party: str
    evidence: str
    every: float
    first_due: float = 30 * _DAY


def _items(agreement: Agreement) -> list[_Item]:
    """The attestation items the agreement's clauses call for."""
    a = agreement
    items: list[_Item] = []
    if a.service_provision is not None:
        conformity = a.service_provision.ccc_conformity
        items.append(
            _Item(
                "4-scope",
                "4",
                "the service delivered matches the agreed scope: " + a.service_provision.scope,
                "client",
                "service review minutes",
                _YEAR,
            )
        )
        if conformity.status != "certified":
            items.append(
                _Item(
                    "4-conformity",
                    "4",
                    f"the CCC conforms to ISO 18295-1 ({conformity.status.replace('_', ' ')})",
                    "ccc",
                    conformity.evidence or "self-declaration of conformity with its audit report",
                    _YEAR,
                )
            )
    if a.customer_needs is not None:
        items.append(
            _Item(
                "5.2-shared",
                "5.2",
                "the customer segments and their needs are shared with the CCC",
                "client",
                "briefing pack and its distribution list",
                _YEAR,
            )
        )
    if a.experience_strategy is not None:
        items.append(
            _Item(
                "6.2-briefed",
                "6.2",
                f"the customer experience strategy (owner {a.experience_strategy.owner}) is "
                "briefed to the CCC and reflected in its operation",
                "client",
                "briefing minutes; CCC training records",
                _YEAR,
            )
        )
    access = a.access_strategy
    items.append(
        _Item(
            "5.4-published",
            "5.4",
            "channels, opening hours and contact details are published to customers"
            + (f" ({', '.join(access.published)})" if access.published else ""),
            "client",
            "screenshots of the website and the IVR greeting",
            _QUARTER,
        )
    )
    if a.customer_cost is not None:
        for tariff in a.customer_cost.tariffs:
            items.append(
                _Item(
                    f"5.5-tariff-{tariff.channel}",
                    "5.5",
                    f"the {tariff.tariff.replace('_', ' ')} tariff of {tariff.channel} "
                    f"({tariff.price_per_minute:g} {tariff.currency}/min) is disclosed in "
                    + ", ".join(d.replace("_", " ") for d in tariff.disclosure),
                    "client",
                    "the published price statements",
                    _YEAR,
                )
            )
    if a.information_consistency is not None:
        info = a.information_consistency
        lag = info.max_sync_lag / 3600
        items.append(
            _Item(
                "5.6-knowledge",
                "5.6",
                f"the CCC answers from {info.knowledge_base} version {info.knowledge_version}, "
                f"updated within {lag:g} hours of each change",
                "ccc",
                "knowledge-base change log with publication times",
                _MONTH,
            )
        )
    if a.customer_protection is not None:
        protection = a.customer_protection
        items.append(
            _Item(
                "5.7-vulnerable",
                "5.7",
                f"agents apply the policy '{protection.vulnerable_customer_policy.name}' and "
                "are trained in it",
                "ccc",
                "training records and call-quality samples",
                _YEAR,
            )
        )
        items.append(
            _Item(
                "5.7-complaints",
                "5.7",
                "the complaint route is published and complaints are acknowledged within "
                f"{protection.complaint_route.acknowledge_within / 3600:g} hours",
                "ccc",
                "complaint log",
                _QUARTER,
            )
        )
    if a.ethics is not None:
        items.append(
            _Item(
                "5.8-conduct",
                "5.8",
                "incentives do not reward pressure selling and agents follow the code of conduct"
                + (f" ({a.ethics.code_of_conduct})" if a.ethics.code_of_conduct else ""),
                "ccc",
                "incentive scheme and quality evaluations",
                _YEAR,
            )
        )
    if a.customer_data is not None:
        data = a.customer_data
        items.append(
            _Item(
                "5.9-regions",
                "5.9",
                "customer data are stored and accessed only in " + ", ".join(data.allowed_regions),
                "ccc",
                "data-location statement of the CCC and its subprocessors",
                _YEAR,
            )
        )
        items.append(
            _Item(
                "5.9-recording",
                "5.9",
                "recording consent is implemented as agreed "
                f"({data.recording_consent.replace('_', ' ')})",
                "ccc",
                "IVR script and recording configuration",
                _YEAR,
            )
        )
        if data.dpa_signed is None:
            items.append(
                _Item(
                    "5.9-dpa",
                    "5.9",
                    "a data processing agreement is signed",
                    "client",
                    "the signed data processing agreement",
                    _YEAR,
                    first_due=0.0,
                )
            )
    if a.roles is not None:
        items.append(
            _Item(
                "6.4-contacts",
                "6.4",
                "the named contacts and the escalation path are current",
                "client",
                "contact list with its date",
                _QUARTER,
            )
        )
    if a.operations is not None:
        for report in a.operations.reports:
            items.append(
                _Item(
                    f"6.6-report-{report.name}",
                    "6.6",
                    f"the {report.frequency} report '{report.name}' reaches {report.recipient} "
                    f"within {_span(report.due_after)} of the period's end",
                    "ccc",
                    "report delivery log",
                    _MONTH,
                )
            )
    items.append(
        _Item(
            "6.7-frozen",
            "6.7",
            f"forecasts were not changed within the frozen period of "
            f"{a.forecasting.frozen_period / _DAY:g} days",
            "client",
            "forecast versions with their submission times",
            _MONTH,
        )
    )
    if a.feedback is not None:
        items.append(
            _Item(
                "6.9-complaints",
                "6.9",
                f"complaints are answered within {a.feedback.complaint_response_days} working days",
                "ccc",
                "complaint log with response dates",
                _QUARTER,
            )
        )
    if a.service_terms.change_control is not None:
        items.append(
            _Item(
                "6.10-changes",
                "6.10",
                "changes to the agreement followed change control (notice "
                f"{a.service_terms.change_control.notice / _DAY:g} days)",
                "client",
                "change log",
                _YEAR,
            )
        )
    # Clauses the agreement leaves out: agree them, or record why they do not apply.
    from cccplan.requirements.agreement import CLAUSE_FIELDS  # noqa: PLC0415 (circular)

    for field, model in CLAUSE_FIELDS.items():
        if getattr(a, field) is None:
            items.append(
                _Item(
                    f"{model.clause}-missing",
                    model.clause,
                    f"clause {clause_label(model)} is not in the agreement: agree it, or record "
                    "why it does not apply",
                    "client",
                    "an amendment, or a note of exclusion",
                    _YEAR,
                    first_due=0.0,
                )
            )
    return items


def _span(seconds: float) -> str:
    if seconds >= _DAY and seconds % _DAY == 0:
        return f"{seconds / _DAY:g} days"
    return f"{seconds / 3600:g} hours"


def _who(agreement: Agreement, clause: str, party: str) -> str:
    roles = agreement.roles
    if roles is not None:
        row = next((r for r in roles.matrix if r.clause == clause), None)
        if row is not None:
            party = row.responsible
    organisation = agreement.parties.client if party == "client" else agreement.parties.ccc
    label = "client" if party == "client" else "CCC"
    who = f"{label}: {organisation.name}"
    if roles is not None:
        contact = roles.contact_for(party)
        if contact is not None:
            who += f" ({contact.name}, {contact.role})"
    return who


def attestations(agreement: Agreement, *, today: dt.date | None = None) -> list[Attestation]:
    """The attestation items of an agreement, ordered by due date.

    Parameters
    ----------
    agreement : Agreement
    today : date, optional
        The day against which ``overdue`` is judged (default: today).

    Returns
    -------
    list of Attestation
    """
    day = today or dt.date.today()
    latest: dict[str, dt.date] = {}
    for record in agreement.attested:
        if record.item not in latest or record.date > latest[record.item]:
            latest[record.item] = record.date
    result: list[Attestation] = []
    for item in _items(agreement):
        last = latest.get(item.item)
        if last is not None:
            due = last + dt.timedelta(seconds=item.every)
        else:
            due = agreement.effective_from + dt.timedelta(seconds=item.first_due)
        result.append(
            Attestation(
                clause=item.clause,
                what=item.what,
                who=_who(agreement, item.clause, item.party),
                due=due,
                evidence=item.evidence,
                item=item.item,
                every_days=item.every / _DAY,
                last_attested=last,
                overdue=due < day,
            )
        )
    return sorted(result, key=lambda a: (a.due, a.clause, a.item))
