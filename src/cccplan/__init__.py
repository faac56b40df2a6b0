"""cccplan: contact-centre forecasting and staffing planning (ISO 18295-2, 6.7).

The numerical core lives in :mod:`cccplan.queueing` (Erlang B, C and A, and the
required-agents solver). The public names are listed in ``__all__``.
"""

from __future__ import annotations

from cccplan.exceptions import CccplanError, CccplanWarning, DomainWarning, InputError

__all__ = [
    "CccplanError",
    "CccplanWarning",
    "DomainWarning",
    "InputError",
    "__version__",
]

__version__ = "0.1.0.dev0"
