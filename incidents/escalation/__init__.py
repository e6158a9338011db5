"""Response SLO timers, escalation policies and paging (DESIGN §3).

Policies are edited in the admin and copied onto an incident when it starts escalating. Every
due time (escalation step, SLO warning, breach) is a ``Timer`` row; a beat job sweeps the due
ones (``sweep.timers_sweep``) and writes pages to the notification outbox in the same
transaction. Acknowledging an incident cancels what is still pending.
"""
