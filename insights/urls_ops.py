"""The portal's own operations endpoints, at the site root (README "Operations").

``/livez`` and ``/healthz`` are open (load balancers and probes call them; they reveal no
secret); ``/metrics`` is for the internal Prometheus scraper only (token or address).
"""

from django.urls import path

from insights import health, prometheus

app_name = "ops"

urlpatterns = [
    path("livez", health.livez, name="livez"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", prometheus.metrics, name="metrics"),
]
