"""The State Council's published holiday schedules (国务院办公厅关于部分节假日安排的通知), as ranges.

Each entry: holiday name, the days off (first, last), and the weekend days made working days (调休).
A new year is added here and loaded with ``python -m jixiao.manage calendar --load``, or entered by an
administrator in the admin.
"""

from __future__ import annotations

import datetime as dt

D = dt.date

Schedule = list[tuple[str, tuple[dt.date, dt.date], tuple[dt.date, ...]]]

SCHEDULES: dict[int, Schedule] = {
    2023: [
        ("元旦", (D(2023, 1, 2), D(2023, 1, 2)), ()),
        ("春节", (D(2023, 1, 21), D(2023, 1, 27)), (D(2023, 1, 28), D(2023, 1, 29))),
        ("清明节", (D(2023, 4, 5), D(2023, 4, 5)), ()),
        ("劳动节", (D(2023, 4, 29), D(2023, 5, 3)), (D(2023, 4, 23), D(2023, 5, 6))),
        ("端午节", (D(2023, 6, 22), D(2023, 6, 24)), (D(2023, 6, 25),)),
        ("中秋节、国庆节", (D(2023, 9, 29), D(2023, 10, 6)), (D(2023, 10, 7), D(2023, 10, 8))),
    ],
    2024: [
        ("元旦", (D(2024, 1, 1), D(2024, 1, 1)), ()),
        ("春节", (D(2024, 2, 10), D(2024, 2, 17)), (D(2024, 2, 4), D(2024, 2, 18))),
        ("清明节", (D(2024, 4, 4), D(2024, 4, 6)), (D(2024, 4, 7),)),
        ("劳动节", (D(2024, 5, 1), D(2024, 5, 5)), (D(2024, 4, 28), D(2024, 5, 11))),
        ("端午节", (D(2024, 6, 10), D(2024, 6, 10)), ()),
        ("中秋节", (D(2024, 9, 15), D(2024, 9, 17)), (D(2024, 9, 14),)),
        ("国庆节", (D(2024, 10, 1), D(2024, 10, 7)), (D(2024, 9, 29), D(2024, 10, 12))),
    ],
    2025: [
        ("元旦", (D(2025, 1, 1), D(2025, 1, 1)), ()),
        ("春节", (D(2025, 1, 28), D(2025, 2, 4)), (D(2025, 1, 26), D(2025, 2, 8))),
        ("清明节", (D(2025, 4, 4), D(2025, 4, 6)), ()),
        ("劳动节", (D(2025, 5, 1), D(2025, 5, 5)), (D(2025, 4, 27),)),
        ("端午节", (D(2025, 5, 31), D(2025, 6, 2)), ()),
        ("国庆节、中秋节", (D(2025, 10, 1), D(2025, 10, 8)), (D(2025, 9, 28), D(2025, 10, 11))),
    ],
    2026: [
        ("元旦", (D(2026, 1, 1), D(2026, 1, 3)), (D(2026, 1, 4),)),
        ("春节", (D(2026, 2, 15), D(2026, 2, 23)), (D(2026, 2, 14), D(2026, 2, 28))),
        ("清明节", (D(2026, 4, 4), D(2026, 4, 6)), ()),
        ("劳动节", (D(2026, 5, 1), D(2026, 5, 5)), (D(2026, 5, 9),)),
        ("端午节", (D(2026, 6, 19), D(2026, 6, 21)), ()),
        ("中秋节", (D(2026, 9, 25), D(2026, 9, 27)), ()),
        ("国庆节", (D(2026, 10, 1), D(2026, 10, 7)), (D(2026, 9, 20), D(2026, 10, 10))),
    ],
}


def days_of(year: int) -> list[tuple[dt.date, bool, str]]:
    """The year's exceptions to the plain week: holidays that fall on weekdays, and 调休 working days."""
    days: list[tuple[dt.date, bool, str]] = []
    for name, (first, last), working in SCHEDULES[year]:
        day = first
        while day <= last:
            if day.weekday() < 5:
                days.append((day, False, name))
            day += dt.timedelta(days=1)
        days.extend((d, True, f"{name}调休上班") for d in working)
    return sorted(days)
