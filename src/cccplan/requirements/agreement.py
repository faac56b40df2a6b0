"""The Agreement: a client-CCC agreement as one validated document.

An :class:`Agreement` holds the parties, the effective dates, the queues and
one object per clause of ISO 18295-2 (4, 5.2-5.9, 6.2-6.10). It is read from
and written to YAML, TOML or JSON (:meth:`Agreement.from_file`,
:meth:`Agreement.to_file`), exports its JSON schema
(:meth:`Agreement.json_schema`) so that other tools can validate agreement
files, and feeds the rest of cccplan: :meth:`Agreement.targets_for` gives the
:class:`cccplan.ServiceTarget` of a queue for :func:`cccplan.staff`,
:meth:`Agreement.opening_hours_for` its :class:`cccplan.OpeningHours`, and
:meth:`Agreement.check` the findings of the compliance checks
(:mod:`cccplan.requirements.checks`).

Every validation error is an :class:`cccplan.InputError` naming the clause
(number and title) and the field, e.g. ``clause 6.7 Forecasting and
planning: field 'frozen_period': the frozen period (56 days) is longer than
the forecast horizon (42 days) ...``.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

import pandas as pd
import tomli_w
import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from cccplan.exceptions import InputError
from cccplan.frames.hours import OpeningHours
from cccplan.requirements._base import _NESTED, Clause, clause_label, input_error, nested
from cccplan.requirements._types import FieldError, Record, Timezone
from cccplan.requirements.access import (
    AccessStrategy,
    ChannelAccess,
    DeferredGoal,
    ImmediateGoal,
    OutboundGoal,
    Queue,
    ServiceGoal,
)
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
from cccplan.requirements.relationship import (
    Communication,
    CustomerFeedback,
    ForecastingAndPlanning,
    Monitoring,
    Operations,
    RolesAndResponsibilities,
    ServiceTerms,
)
from cccplan.staffing.targets import ServiceTarget

if TYPE_CHECKING:
    from cccplan.requirements.attest import Attestation
    from cccplan.requirements.findings import Finding

__all__ = [
    "CLAUSES",
    "CLAUSE_FIELDS",
    "TITLES",
    "Agreement",
    "AttestationRecord",
    "Organisation",
    "Parties",
]

#: Titles of the clauses of ISO 18295-2 that an agreement is made of (4 to 6.10).
TITLES: dict[str, str] = {
    "4": "Client requirements for CCC service provision",
    "5.1": "General",
    "5.2": "Identification of customer needs",
    "5.3": "Customer experience strategy",
    "5.4": "Customer access and contact strategy",
    "5.5": "Cost to the customer",
    "5.6": "Consistency of information",
    "5.7": "Protection of the customer",
    "5.8": "Ethical behaviour",
    "5.9": "Customer data",
    "6.1": "General",
    "6.2": "Customer experience strategy",
    "6.3": "Customer access and contact strategy",
    "6.4": "Roles and responsibilities",
    "6.5": "Communication of information to the CCC",
    "6.6": "Operations",
    "6.7": "Forecasting and planning",
    "6.8": "Monitoring CCC performance",
    "6.9": "Customer feedback",
    "6.10": "Service terms",
}

#: The Agreement's field of each clause object.
CLAUSE_FIELDS: dict[str, type[Clause]] = {
    "service_provision": ServiceProvision,
    "customer_needs": CustomerNeeds,
    "experience_strategy": ExperienceStrategy,
    "access_strategy": AccessStrategy,
    "customer_cost": CustomerCost,
    "information_consistency": InformationConsistency,
    "customer_protection": CustomerProtection,
    "ethics": EthicalBehaviour,
    "customer_data": CustomerData,
    "roles": RolesAndResponsibilities,
    "communication": Communication,
    "operations": Operations,
    "forecasting": ForecastingAndPlanning,
    "monitoring": Monitoring,
    "feedback": CustomerFeedback,
    "service_terms": ServiceTerms,
}

#: Clause number -> (title, model class) of every clause with a requirement object.
#: 5.3 and 6.2 share one object, as do 5.4 and 6.3.
CLAUSES: dict[str, tuple[str, type[Clause]]] = {
    number: (model.title, model)
    for model in CLAUSE_FIELDS.values()
    for number in (model.clause, *model.also)
}
CLAUSES = dict(sorted(CLAUSES.items(), key=lambda item: [int(p) for p in item[0].split(".")]))

# Agreement fields outside the clause objects, and the clause they belong to.
_OTHER_FIELDS: dict[str, type[Clause]] = {
    "title": ServiceProvision,
    "reference": ServiceProvision,
    "version": ServiceProvision,
    "parties": ServiceProvision,
    "effective_from": ServiceProvision,
    "effective_until": ServiceProvision,
    "timezone": ServiceProvision,
    "queues": AccessStrategy,
}


def _clause_of(field: str) -> tuple[str, bool]:
    if field in CLAUSE_FIELDS:
        return f"clause {clause_label(CLAUSE_FIELDS[field])}", True
    if field in _OTHER_FIELDS:
        return f"clause {clause_label(_OTHER_FIELDS[field])}", False
    if field == "attested":
        return "attestations", False
    return "the agreement", False


class Organisation(Record):
    """A party to the agreement."""

    name: Annotated[str, Field(min_length=1)]
    country: str | None = None
    address: str | None = None
    contact: str | None = None


class Parties(Record):
    """The client and its customer contact centre."""

    client: Organisation
    ccc: Organisation


class AttestationRecord(Record):
    """A record that an attestation item was attested: which, when, by whom, with what."""

    item: Annotated[str, Field(min_length=1)]
    date: dt.date
    by: Annotated[str, Field(min_length=1)]
    evidence: str | None = None


_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}


class Agreement(BaseModel):
    """A client-CCC agreement under ISO 18295-2: parties, dates, queues and clauses.

    Parameters
    ----------
    parties : Parties
        ``client`` and ``ccc``, each with a ``name``.
    effective_from : date
    effective_until : date, optional
    title, reference, version : str, optional
    timezone : str, optional
        IANA zone of naive dates and times in the agreement and in frames
        (default: the zone of the first channel).
    queues : list of Queue
        Each with a ``name`` and a ``channel``; a queue name may be used by
        several channels (``support`` on voice and chat).
    access_strategy : AccessStrategy
        Clause 5.4/6.3: the channels, their hours and service goals.
    forecasting : ForecastingAndPlanning
        Clause 6.7 (cccplan's defaults when the agreement is silent).
    service_terms : ServiceTerms
        Clause 6.10 (defaults when silent).
    service_provision, customer_needs, experience_strategy, customer_cost,
    information_consistency, customer_protection, ethics, customer_data, roles,
    communication, operations, monitoring, feedback : optional
        The other clause objects (4, 5.2, 5.3/6.2, 5.5, 5.6, 5.7, 5.8, 5.9, 6.4,
        6.5, 6.6, 6.8, 6.9). A clause left out is listed by :meth:`check` as
        an item to agree.
    attested : list of AttestationRecord
        Attestations already given (see :meth:`attestations`).

    Raises
    ------
    InputError
        For every invalid field, naming the clause and the field; and for
        cross-field problems: a queue on a channel the access strategy does
        not offer, overlapping opening hours, a frozen period longer than the
        horizon, an unknown time zone, an objective or service credit naming
        a KPI that 6.8 does not define, ...

    Examples
    --------
    >>> from cccplan.requirements import Agreement
    >>> agreement = Agreement.model_validate({
    ...     "parties": {"client": {"name": "Acme"}, "ccc": {"name": "Callwell"}},
    ...     "effective_from": "2026-01-01",
    ...     "queues": [{"name": "sales", "channel": "voice"}],
    ...     "access_strategy": {"channels": [{
    ...         "channel": "voice", "timezone": "Europe/Berlin",
    ...         "opening_hours": {"mon-fri": "08:00-18:00"},
    ...         "goal": {"kind": "immediate", "service_level": 0.8, "threshold": "20s"}}]},
    ... })
    >>> agreement.targets_for("sales").threshold
    20.0
    >>> Agreement.model_validate({**agreement.model_dump(), "forecasting": {
    ...     "horizon": "6W", "frozen_period": "8W"}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cccplan.exceptions.InputError: clause 6.7 Forecasting and planning: field 'frozen_period': ...
    """

    model_config = Record.model_config

    title: str = "Customer contact service agreement"
    reference: str | None = None
    version: str | None = None
    parties: Parties
    effective_from: dt.date
    effective_until: dt.date | None = None
    timezone: Timezone | None = None
    queues: Annotated[tuple[Queue, ...], Field(min_length=1)]

    service_provision: ServiceProvision | None = None
    customer_needs: CustomerNeeds | None = None
    experience_strategy: ExperienceStrategy | None = None
    access_strategy: AccessStrategy
    customer_cost: CustomerCost | None = None
    information_consistency: InformationConsistency | None = None
    customer_protection: CustomerProtection | None = None
    ethics: EthicalBehaviour | None = None
    customer_data: CustomerData | None = None
    roles: RolesAndResponsibilities | None = None
    communication: Communication | None = None
    operations: Operations | None = None
    forecasting: ForecastingAndPlanning = Field(default_factory=ForecastingAndPlanning)
    monitoring: Monitoring | None = None
    feedback: CustomerFeedback | None = None
    service_terms: ServiceTerms = Field(default_factory=ServiceTerms)

    attested: tuple[AttestationRecord, ...] = ()

    #: Clause number -> (title, model class); the same as :data:`CLAUSES`.
    clauses: ClassVar[dict[str, tuple[str, type[Clause]]]] = CLAUSES

    def __init__(self, **data: Any) -> None:
        if _NESTED.get():  # called by pydantic inside model_validate
            super().__init__(**data)
            return
        try:
            with nested():
                super().__init__(**data)
        except ValidationError as exc:
            raise input_error(exc, type(self), _clause_of) from None

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate a mapping; errors raise :class:`cccplan.InputError` naming clause and field."""
        if _NESTED.get():
            return super().model_validate(obj, **kwargs)
        try:
            with nested():
                return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise input_error(exc, cls, _clause_of) from None

    # -- cross-field checks ---------------------------------------------------

    @model_validator(mode="after")
    def _consistent(self) -> Agreement:
        if self.effective_until is not None and self.effective_until <= self.effective_from:
            raise FieldError(
                "effective_until",
                f"the agreement ends ({self.effective_until}) before it starts "
                f"({self.effective_from})",
            )
        self._check_queues()
        self._check_kpi_names()
        offered = self.access_strategy.offered
        if self.customer_cost is not None:
            for number, tariff in enumerate(self.customer_cost.tariffs):
                if tariff.channel not in offered:
                    raise FieldError(
                        f"customer_cost.tariffs[{number}].channel",
                        f"a tariff for channel {tariff.channel!r}, which the access strategy "
                        f"does not offer (offered: {', '.join(offered)})",
                    )
        names = {q.name for q in self.queues}
        if self.communication is not None:
            for number, event in enumerate(self.communication.events):
                if event.queue is not None and event.queue not in names:
                    raise FieldError(
                        f"communication.events[{number}].queue",
                        f"unknown queue {event.queue!r} (queues: {', '.join(sorted(names))})",
                    )
        if self.roles is not None:
            for number, row in enumerate(self.roles.matrix):
                if row.clause is not None and row.clause not in TITLES:
                    raise FieldError(
                        f"roles.matrix[{number}].clause",
                        f"{row.clause!r} is not a clause of ISO 18295-2 from 4 to 6.10",
                    )
        return self

    def _check_queues(self) -> None:
        offered = self.access_strategy.offered
        seen: set[tuple[str, str]] = set()
        windows = (
            {w.jurisdiction for w in self.ethics.calling_windows}
            if self.ethics is not None
            else set()
        )
        for number, queue in enumerate(self.queues):
            key = (queue.name, queue.channel)
            if key in seen:
                raise FieldError(
                    f"queues[{number}]",
                    f"queue {queue.name!r} on {queue.channel} is listed twice",
                )
            seen.add(key)
            access = self.access_strategy.channel(queue.channel)
            if access is None:
                raise FieldError(
                    f"queues[{number}].channel",
                    f"queue {queue.name!r} is on channel {queue.channel!r}, which the access "
                    f"strategy does not offer (offered: {', '.join(offered)}); add the channel "
                    "with its opening hours and service goal",
                )
            goal = queue.goal or access.goal
            if isinstance(goal, DeferredGoal) and queue.channel in ("voice", "video"):
                raise FieldError(
                    f"queues[{number}].goal",
                    f"{queue.channel} is answered while the customer waits: use kind immediate",
                )
            if (queue.concurrency or 1) > 1 and queue.channel in ("voice", "video", "callback"):
                raise FieldError(
                    f"queues[{number}].concurrency",
                    f"a {queue.channel} agent handles one contact at a time",
                )
            if (
                isinstance(goal, OutboundGoal)
                and goal.jurisdiction is not None
                and goal.jurisdiction not in windows
            ):
                raise FieldError(
                    f"queues[{number}].goal.jurisdiction",
                    f"no calling window for jurisdiction {goal.jurisdiction!r} in clause "
                    "5.8 Ethical behaviour",
                )

    def _check_kpi_names(self) -> None:
        known = {kpi.name for kpi in self.monitoring.kpis} if self.monitoring is not None else set()
        shown = ", ".join(sorted(known)) if known else "none: add clause 6.8 monitoring"
        if self.experience_strategy is not None:
            for number, objective in enumerate(self.experience_strategy.objectives):
                for name in objective.kpis:
                    if name not in known:
                        raise FieldError(
                            f"experience_strategy.objectives[{number}].kpis",
                            f"objective {objective.name!r} names KPI {name!r}, which clause 6.8 "
                            f"does not define (KPIs: {shown})",
                        )
        credits = self.service_terms.service_credits
        if credits is not None:
            for number, band in enumerate(credits.bands):
                if band.kpi not in known:
                    raise FieldError(
                        f"service_terms.service_credits.bands[{number}].kpi",
                        f"service credits for KPI {band.kpi!r}, which clause 6.8 does not "
                        f"define (KPIs: {shown})",
                    )
        if self.monitoring is not None:
            names = {q.name for q in self.queues}
            for number, kpi in enumerate(self.monitoring.kpis):
                if kpi.queue is not None and kpi.queue not in names:
                    raise FieldError(
                        f"monitoring.kpis[{number}].queue",
                        f"unknown queue {kpi.queue!r} (queues: {', '.join(sorted(names))})",
                    )
                if kpi.channel is not None and kpi.channel not in self.access_strategy.offered:
                    raise FieldError(
                        f"monitoring.kpis[{number}].channel",
                        f"channel {kpi.channel!r} is not offered in the access strategy",
                    )

    # -- files ------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: str | Path) -> Agreement:
        """Read an agreement from a YAML (.yaml, .yml), TOML (.toml) or JSON (.json) file.

        Only safe loaders are used (``yaml.safe_load``): a file cannot run code.

        Raises
        ------
        InputError
            If the file is missing, its suffix unknown, its syntax broken, or
            the agreement invalid (the message names the file, clause and field).
        """
        file = Path(path)
        kind = _SUFFIXES.get(file.suffix.lower())
        if kind is None:
            raise InputError(
                f"Agreement.from_file: {file.name}: unknown suffix {file.suffix!r}; use .yaml, "
                ".yml, .toml or .json"
            )
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"Agreement.from_file: cannot read {file}: {exc}") from exc
        try:
            if kind == "yaml":
                data = yaml.safe_load(text)
            elif kind == "toml":
                data = tomllib.loads(text)
            else:
                data = json.loads(text)
        except (yaml.YAMLError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise InputError(
                f"Agreement.from_file: {file.name} is not valid {kind}: {exc}"
            ) from exc
        if not isinstance(data, dict):
            raise InputError(
                f"Agreement.from_file: {file.name} must hold a mapping (parties, queues, "
                f"clauses ...); got {type(data).__name__}"
            )
        try:
            return cls.model_validate(data)
        except InputError as exc:
            raise InputError(f"{file.name}: {exc}") from None

    def to_file(self, path: str | Path) -> Path:
        """Write the agreement as YAML, TOML or JSON, chosen by the suffix; returns the path.

        Durations are written as ``"6W"``, ``"24h"``; fields left empty (None)
        are left out, so that the file reads like one written by hand.
        """
        file = Path(path)
        kind = _SUFFIXES.get(file.suffix.lower())
        if kind is None:
            raise InputError(
                f"Agreement.to_file: unknown suffix {file.suffix!r}; use .yaml, .yml, .toml or "
                ".json"
            )
        data = self.model_dump(mode="json", exclude_none=True)
        if kind == "yaml":
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        elif kind == "toml":
            text = tomli_w.dumps(data)
        else:
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        file.write_text(text, encoding="utf-8")
        return file

    @classmethod
    def example(cls) -> Agreement:
        """The complete example agreement of cccplan's example contact centre.

        The same document as ``examples/agreements/agreement.yaml``: the
        queues, opening hours and targets of :func:`cccplan.load_example`,
        with every clause filled in.

        Examples
        --------
        >>> from cccplan.requirements import Agreement
        >>> agreement = Agreement.example()
        >>> agreement.targets_for("support", "chat").concurrency
        2
        >>> agreement.targets_for("orders").response_window
        86400.0
        """
        return cls.from_file(Path(__file__).with_name("data") / "agreement.yaml")

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON schema of agreement files (draft 2020-12), for other tools to validate.

        Durations may be numbers (seconds) or texts such as ``"6W"``; dates
        are ISO 8601 texts.
        """
        schema = cls.model_json_schema(mode="validation")
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "cccplan Agreement (ISO 18295-2 client-CCC agreement)",
            **{k: v for k, v in schema.items() if k != "title"},
        }

    # -- queues, targets, hours -------------------------------------------------

    @property
    def zone(self) -> str:
        """The agreement's time zone (its own, else the first channel's)."""
        return self.timezone or self.access_strategy.channels[0].timezone

    def queue(self, queue: str, channel: str | None = None) -> Queue:
        """The queue of that name (and channel, needed when the name has several).

        Raises
        ------
        InputError
            For an unknown queue (naming the known ones) or an ambiguous name.
        """
        found = [q for q in self.queues if q.name == queue]
        if channel is not None:
            found = [q for q in found if q.channel == channel.strip().lower()]
        if not found:
            known = ", ".join(f"{q.name}/{q.channel}" for q in self.queues)
            where = f"queue {queue!r}" + (f" on channel {channel!r}" if channel else "")
            raise InputError(f"Agreement: unknown {where}; the agreement's queues are {known}")
        if len(found) > 1:
            channels = ", ".join(q.channel for q in found)
            raise InputError(
                f"Agreement: queue {queue!r} is on several channels ({channels}); pass channel="
            )
        return found[0]

    def goal_for(self, queue: str, channel: str | None = None) -> ServiceGoal:
        """The service goal of a queue: its own override, else its channel's."""
        chosen = self.queue(queue, channel)
        return chosen.goal or self._access(chosen).goal

    def _access(self, queue: Queue) -> ChannelAccess:
        access = self.access_strategy.channel(queue.channel)
        assert access is not None  # checked at validation
        return access

    def targets_for(self, queue: str, channel: str | None = None) -> ServiceTarget:
        """The :class:`cccplan.ServiceTarget` of a queue, for :func:`cccplan.staff`.

        An immediate goal gives service level, threshold, ASA, maximum
        abandonment and occupancy and patience; a deferred goal the share
        within the response window (``service_level``), the window in seconds
        and its basis (business hours -> ``"open"``, calendar ->
        ``"calendar"``); an outbound goal its occupancy. Concurrency and
        minimum cover come from the queue or its channel, shrinkage from the
        6.7 shrinkage assumption.

        Raises
        ------
        InputError
            For an unknown queue (naming the known ones), or a queue name on
            several channels without ``channel``.
        """
        chosen = self.queue(queue, channel)
        access = self._access(chosen)
        goal = chosen.goal or access.goal
        kwargs: dict[str, Any] = {}
        if isinstance(goal, ImmediateGoal):
            kwargs["service_level"] = goal.service_level
            kwargs["threshold"] = goal.threshold
            for name in ("asa", "max_abandon", "max_occupancy", "patience"):
                value = getattr(goal, name)
                if value is not None:
                    kwargs[name] = value
            kwargs["sl_basis"] = goal.sl_basis
        elif isinstance(goal, DeferredGoal):
            kwargs["service_level"] = goal.share_within
            kwargs["response_window"] = goal.response_window
            kwargs["response_basis"] = "open" if goal.basis == "business_hours" else "calendar"
        else:
            kwargs.update(service_level=None, threshold=None, max_occupancy=goal.max_occupancy)
        kwargs["concurrency"] = chosen.concurrency or access.concurrency
        if access.concurrency_slowdown is not None:
            kwargs["concurrency_slowdown"] = access.concurrency_slowdown
        kwargs["shrinkage"] = self.forecasting.shrinkage or 0.0
        kwargs["min_agents"] = (
            chosen.min_agents if chosen.min_agents is not None else (access.min_agents)
        )
        return ServiceTarget(**kwargs)

    def service_targets(self) -> dict[tuple[str, str], ServiceTarget]:
        """``{(queue, channel): ServiceTarget}`` of every queue: ``staff(forecast, targets)``."""
        return {(q.name, q.channel): self.targets_for(q.name, q.channel) for q in self.queues}

    def _years(self) -> range:
        last = self.effective_until or dt.date(self.effective_from.year + 2, 12, 31)
        return range(self.effective_from.year, last.year + 1)

    def opening_hours_for(
        self, queue: str, channel: str | None = None, *, years: range | None = None
    ) -> OpeningHours:
        """The :class:`cccplan.OpeningHours` of a queue (its channel's hours).

        Parameters
        ----------
        queue, channel : str
            As in :meth:`targets_for`.
        years : range, optional
            Calendar years whose public holidays and recurring early closings
            to include; default the agreement's effective years (from
            ``effective_from`` to ``effective_until``, or three years).
        """
        chosen = self.queue(queue, channel)
        return self._access(chosen).opening_hours_model(years or self._years())

    def opening_hours(self, *, years: range | None = None) -> dict[tuple[str, str], OpeningHours]:
        """``{(queue, channel): OpeningHours}`` of every queue, e.g. for ``mark_open``."""
        return {
            (q.name, q.channel): self.opening_hours_for(q.name, q.channel, years=years)
            for q in self.queues
        }

    # -- attestations and checks ------------------------------------------------

    def attestations(self, today: dt.date | str | None = None) -> list[Attestation]:
        """The items to attest by hand: what, who, by when, with what evidence.

        Clauses that data cannot check (tariff disclosure, the data processing
        agreement, the vulnerable-customer policy, ...) become attestation
        items, each due after the agreement starts and again every period;
        ``attested`` records move the next due date on. See
        :mod:`cccplan.requirements.attest`.
        """
        from cccplan.requirements.attest import attestations  # noqa: PLC0415 (circular)
        from cccplan.requirements.checks import _today  # noqa: PLC0415 (circular)

        return attestations(self, today=_today(today))

    def check(
        self,
        forecast: pd.DataFrame | None = None,
        plan: pd.DataFrame | None = None,
        actuals: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        today: dt.date | str | None = None,
    ) -> list[Finding]:
        """Check the agreement against data: a list of findings, most serious first.

        Parameters
        ----------
        forecast : DataFrame, optional
            The client's forecast (``queue``, ``channel``, ``interval_start``,
            ``volume``, ``aht``; ``submitted_at`` as a column or in
            ``attrs["submitted_at"]``).
        plan : DataFrame, optional
            The CCC's plan (``agents`` and/or ``scheduled``; ``submitted_at``).
        actuals : DataFrame, optional
            What happened: ``volume`` and KPI columns ``service_level``,
            ``asa``, ``abandon_rate``, ``occupancy``, or the counts
            ``answered``, ``answered_within``, ``abandoned``,
            ``short_abandoned``.
        events : DataFrame, optional
            The events calendar (``queue``, ``channel``, ``start``, ``end``,
            ``uplift``, ``notified_at``; optional ``type``).
        today : date, optional
            The day of the check (default: today), for reviews and attestations.

        Returns
        -------
        list of Finding
            Sorted by :func:`~cccplan.requirements.sort_findings`. See
            :mod:`cccplan.requirements.checks` for each check.
        """
        from cccplan.requirements.checks import check  # noqa: PLC0415 (circular)

        return check(
            self, forecast=forecast, plan=plan, actuals=actuals, events=events, today=today
        )
