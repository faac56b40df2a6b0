"""Load the client-CCC agreement, validate it, and check data against it.

The agreement (ISO 18295-2 clauses 4 to 6.10) is a YAML file; loading it
validates every clause, and `check` computes what data can show (forecast
completeness and lead time, cover of opening hours, notice of events) and
lists what must be attested by hand.

Run::

    python examples/check_agreement.py
"""

from __future__ import annotations

from pathlib import Path

import cccplan
from cccplan.requirements import findings_frame

HERE = Path(__file__).resolve().parent


def main() -> None:
    agreement = cccplan.Agreement.from_file(HERE / "agreements" / "agreement.yaml")
    print(f"{agreement.parties.client.name} and {agreement.parties.ccc.name}: valid agreement")
    for queue in agreement.queues:
        print(f"  {queue.name}/{queue.channel}: {agreement.targets_for(queue.name, queue.channel)}")

    centre = cccplan.load_example()
    times = centre.history["interval_start"]
    forecast = centre.history[(times >= "2025-11-17") & (times < "2025-12-29")]
    findings = agreement.check(forecast=forecast, events=centre.events, today="2025-11-03")
    table = findings_frame(findings)
    print(f"\n{len(findings)} findings:")
    print(table.groupby(["severity", "clause"]).size().to_string())
    print("\nthe most serious:")
    for finding in findings[:5]:
        print(f"  {finding}")
    print(f"\nitems to attest by hand: {len(agreement.attestations(today='2025-11-03'))}")


if __name__ == "__main__":
    main()
