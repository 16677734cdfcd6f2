"""Fill the README's ```console blocks with what each `$ command` prints now (piped).

Run after changing any output: ``python scripts/update_readme_examples.py``. The test
tests/test_readme.py fails while a block differs from what its command prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def run(command: str) -> str:
    environment = {**os.environ, "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]}
    environment.pop("FORCE_COLOR", None)
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=environment, cwd=ROOT)
    return result.stdout.rstrip("\n")


def refill(block: str) -> str:
    lines = []
    for line in block.splitlines():
        if line.startswith("$ "):
            lines.append(line)
            output = run(line[2:])
            if output:
                lines.append(output)
    return "\n".join(lines) + "\n"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    text = re.sub(r"(```console\n)(.*?)(```)", lambda match: match.group(1) + refill(match.group(2)) + match.group(3),
                  text, flags=re.DOTALL)
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
