import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_documents_every_environment_variable():
    settings_source = (ROOT / "a4ep_portal" / "settings.py").read_text()
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", settings_source))
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    assert "DATABASE_URL" in read
    assert sorted(read - documented) == []
