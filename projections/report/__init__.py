"""The Secretary-General's report as a document built from the figures and their lineage: sections, tables,
charts, and its Markdown and HTML renderings. No I/O of its own.

May import domain and projections.
"""
