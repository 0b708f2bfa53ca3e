"""docs/security.md names the tests that hold each defence: every one it names exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_test_the_threat_model_names_exists():
    text = (ROOT / "docs" / "security.md").read_text()
    named, module = [], None
    for found_module, name in re.findall(r"`(test_\w+\.py)?::(test_\w+)`", text):
        module = found_module or module
        named.append((module, name))
    assert len(named) >= 25
    missing = [f"{module}::{name}" for module, name in named
               if not re.search(rf"^def {name}\(", (ROOT / "tests" / module).read_text(), flags=re.M)]
    assert missing == []
