"""Allow ``python -m derivcli``."""

from derivcli.cli import main

main()
