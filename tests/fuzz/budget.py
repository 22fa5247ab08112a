"""How many generated cases each property test runs, and the tally of cases actually run.

CI runs ``ROLESCOPE_FUZZ_EXAMPLES`` (default 60) cases per property test; ``make fuzz``
raises it so the whole fuzz run exceeds 10,000 cases, and sets
``ROLESCOPE_FUZZ_MIN_CASES`` so the session fails if fewer were actually run.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("ROLESCOPE_FUZZ_EXAMPLES", "60"))
MIN_CASES = int(os.environ.get("ROLESCOPE_FUZZ_MIN_CASES", "0"))

TALLY: Counter[str] = Counter()

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def tally(name: str) -> None:
    """Count one generated case of the property test ``name``."""
    TALLY[name] += 1
