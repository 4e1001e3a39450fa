"""The work: functions that take a session, plain values and the acting user.

They flush, never commit; the request or CLI command that called them owns the transaction.
"""
