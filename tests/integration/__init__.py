"""Tests against real throwaway servers: PostgreSQL and Temporal."""
