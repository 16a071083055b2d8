#!/usr/bin/env python3
"""Copies what SettingsDocumentationTest generated (target/generated-docs/) into README.md and
conf/ticker-universe.json. Run the test first: mvn -q test -Dtest=SettingsDocumentationTest."""
import pathlib, re, shutil
root = pathlib.Path(__file__).resolve().parents[2]
gen = root / "target" / "generated-docs"
shutil.copy(gen / "ticker-universe.json", root / "conf" / "ticker-universe.json")
readme = (root / "README.md").read_text()
table = (gen / "settings-table.md").read_text()
new = re.sub(r"<!-- settings:begin.*?<!-- settings:end -->\n", lambda m: table, readme, count=1, flags=re.S)
(root / "README.md").write_text(new)
print("README.md settings table and conf/ticker-universe.json regenerated")
