"""`python -m codecrdt` runs the command line."""

from codecrdt.cli import main

raise SystemExit(main())
