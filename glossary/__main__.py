"""``python -m glossary`` runs the command-line interface."""

from glossary.cli import main

main()
