"""The signed acknowledge link of pages (outside the admin: the recipient may be logged out)."""

from django.urls import path

from incidents.escalation.views import acknowledge_view

urlpatterns = [path("<str:token>/", acknowledge_view, name="incident-ack")]
