"""Projected progress: parties and entry into force of each instrument, engagements' completion, backtest."""
