"""`python -m scanner` is `dpscan`."""

from scanner.cli import main

main()
