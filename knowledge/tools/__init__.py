"""Pure computation tools for the chat: dates, deadlines, fees and the Nice class finder.

No network, no database: every function takes `today` and the data tables explicitly (or
loads the bundled files under ``knowledge/data/``), so results are reproducible in tests.
"""

from knowledge.tools._data import ToolDataError
from knowledge.tools.counting import Deadline, add_months, deadline, term_expiry
from knowledge.tools.dates import (
    Ambiguous,
    DateResult,
    Invalid,
    ParsedDate,
    find_dates,
    parse_date,
    year_month,
)
from knowledge.tools.deadlines import RenewalPhase, RenewalResult, renewal_status
from knowledge.tools.fees import (
    FeeLine,
    FeeTable,
    NationalEstimate,
    RenewalFee,
    estimate_national,
    load_fee_table,
    renewal_fee,
)
from knowledge.tools.madrid import (
    MadridEstimate,
    PartyMatch,
    estimate_madrid,
    files_abroad,
    find_parties,
    resolve_party,
)
from knowledge.tools.nice import (
    ClassSuggestion,
    NiceData,
    explain_suggestions,
    load_nice,
    suggest_classes,
)
from knowledge.tools.procedural import (
    PeriodResult,
    madrid_dependency_end,
    nonuse_exposure,
    opposition_deadline,
    rejection_review_deadline,
)
from knowledge.tools.workdays import (
    DayInfo,
    DayKind,
    HolidayCalendar,
    is_working_day,
    load_calendar,
    next_working_day,
    working_day_on_or_after,
)

__all__ = (
    "Ambiguous",
    "ClassSuggestion",
    "DateResult",
    "DayInfo",
    "DayKind",
    "Deadline",
    "FeeLine",
    "FeeTable",
    "HolidayCalendar",
    "Invalid",
    "MadridEstimate",
    "NationalEstimate",
    "NiceData",
    "ParsedDate",
    "PartyMatch",
    "PeriodResult",
    "RenewalFee",
    "RenewalPhase",
    "RenewalResult",
    "ToolDataError",
    "add_months",
    "deadline",
    "estimate_madrid",
    "estimate_national",
    "explain_suggestions",
    "files_abroad",
    "find_dates",
    "find_parties",
    "is_working_day",
    "load_calendar",
    "load_fee_table",
    "load_nice",
    "madrid_dependency_end",
    "next_working_day",
    "nonuse_exposure",
    "opposition_deadline",
    "parse_date",
    "rejection_review_deadline",
    "renewal_fee",
    "renewal_status",
    "resolve_party",
    "suggest_classes",
    "term_expiry",
    "working_day_on_or_after",
    "year_month",
)
