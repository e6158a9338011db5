"""Incident API routes."""

urlpatterns: list = []
