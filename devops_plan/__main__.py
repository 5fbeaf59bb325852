"""`python -m devops_plan`: the same command line as `devops-plan`."""

from devops_plan.cli import main

main()
