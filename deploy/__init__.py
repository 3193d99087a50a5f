"""The composition root: the process entry points (`python -m deploy.worker`, `deploy.projector`,
`deploy.web`), the embedded stack's supervisor, the Dockerfile, compose file and Helm chart.

May import everything; only entry points, and `palermo up` and `down`, import it.
"""
