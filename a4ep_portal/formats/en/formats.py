"""English formats of the portal (British order, 24-hour clock, the weekday named), in place of
Django's American defaults. Other languages use Django's own formats for their locale; templates
only ever name a format (DATE_FORMAT, DATETIME_FORMAT, ...), never spell one out."""

DATE_FORMAT = "D j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "D j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
