"""The pasted list of non-members' addresses on an invitation: one address per line."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """The distinct addresses of the text, in order (lower-cased domain), and one message per
    line that is not an address. Blank lines are ignored."""
    addresses: list[str] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.strip()
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            errors.append(
                _("Line %(number)d: “%(line)s” is not an e-mail address.")
                % {"number": number, "line": value[:100]}
            )
            continue
        local, _at, domain = value.rpartition("@")
        address = f"{local}@{domain.lower()}"
        if address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses, errors
