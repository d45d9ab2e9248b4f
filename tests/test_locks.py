"""What production installs: requirements.lock, free of test tools, pinned exactly as CI tested."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = {"pytest", "pytest-django", "playwright", "moto", "flask", "cfn-lint", "aiosmtpd",
              "factory-boy", "ruff"}  # fmt: skip


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)$", text, flags=re.MULTILINE))


def test_production_lock_installs_no_test_tool():
    production = pins("requirements.lock")
    assert "django" in production
    assert sorted(TEST_TOOLS & set(production)) == []


def test_development_lock_pins_every_production_package_at_the_same_version():
    production = pins("requirements.lock")
    development = pins("requirements-dev.lock")
    assert {name: development.get(name) for name in production} == production
    assert set(development) >= TEST_TOOLS
