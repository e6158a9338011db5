"""Retainer contracts: customers, their services and products, contracts and the M/M ledger."""
