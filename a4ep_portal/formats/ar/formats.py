"""Arabic formats where Django's own leave a gap: it has no DATETIME_FORMAT for Arabic, so
dates with a time fell back to the American "N j, Y, P" ("يناير 20, 2027, 3 م": month first,
minutes dropped). Day, month, year, then the time on a 24-hour clock, as in the other
languages; the rest are Django's Arabic formats."""

DATETIME_FORMAT = "l j F Y، H:i"
SHORT_DATETIME_FORMAT = "j‏/n‏/Y، H:i"
TIME_FORMAT = "H:i"
