"""The `palermo` command: a Typer app with a module per noun (case, treaty, meeting, report, audit, user,
stack). The case commands are made from the command table.

May import usecases and the layers beneath; never web. Only `palermo up` and `down` reach deploy.stack.
"""
