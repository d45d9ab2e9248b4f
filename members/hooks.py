"""Where other apps plug into members without members importing them (apps depend one way:
papers -> dialogues -> members). An app registers from its AppConfig.ready():

- an export section: `register_export("registrations", fn)`, fn(member) -> JSON-able data,
  part of the member's data download;
- an eraser: `register_eraser(fn)`, fn(member) blanks the app's personal data of a member
  whose account is being deleted (it runs before the profile goes, in the same transaction);
- an audience: `register_audience(Mailing.Audience.REGISTRANTS, fn)`, fn(mailing) -> a
  queryset of the Members a mailing goes to.
"""

from collections.abc import Callable
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]
AudienceFunction = Callable[[Any], Any]

_exports: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}
_audiences: dict[str, AudienceFunction] = {}


def register_export(name: str, exporter: Exporter) -> None:
    _exports[name] = exporter


def register_eraser(name: str, eraser: Eraser) -> None:
    _erasers[name] = eraser


def register_audience(audience: str, members: AudienceFunction) -> None:
    _audiences[str(audience)] = members


def exports() -> dict[str, Exporter]:
    return dict(_exports)


def erasers() -> list[Eraser]:
    return list(_erasers.values())


def audience_function(audience: str) -> AudienceFunction | None:
    return _audiences.get(str(audience))
