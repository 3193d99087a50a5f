"""The auditor's toolkit: walking the hash chain, verifying and sealing the logs, replaying cases and figures
from the raw events, exporting and checking bundles.

May import activities, projections and domain; the logs, stores and keys it works on are handed in
(usecases.audits opens the deployment's).
"""
