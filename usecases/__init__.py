"""What the command line and the web app both do, once: settings, sending commands, reading cases, the read
model's generations, reports, audits, seed and demo data, and where the running embedded stack is.

May import audit, activities, projections, workflows and domain. Never the front doors or deploy.
"""
