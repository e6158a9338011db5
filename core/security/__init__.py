"""Site-wide protections: client address, rate limits, lockouts, two-factor login, audit events.

Each concern is one module; the middleware and signal receivers are wired in settings and in
``core.apps``. DESIGN §1: a customer must never see, guess or change another customer's data;
staff accounts see every customer, so their logins carry a second factor.
"""
