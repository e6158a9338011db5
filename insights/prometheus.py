"""Prometheus ``/metrics``: request latency, incidents, SLO breaches, deliveries, sweep lag.

Request latency is a histogram observed by ``RequestMetricsMiddleware``, labelled by the
resolved route's name (never the raw path, so the label set is bounded by the URL
configuration), the method (known methods only) and the status class. Everything else is read
from the database at scrape time by ``HotlineCollector``, one aggregate query per family.

With several gunicorn workers each process holds its own request metrics: when
``PROMETHEUS_MULTIPROC_DIR`` is set (``gunicorn.conf.py`` sets it), prometheus_client writes them
to files there and the endpoint adds up every process's files (multiprocess mode).

Access (README "Operations"): ``Authorization: Bearer $METRICS_TOKEN`` or a client address in
``METRICS_ALLOWED_IPS``; anything else gets 403, and 404 when neither is configured.
"""

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from core import clock
from core.security.net import client_ip

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # 404s, slash redirects: no route resolved

REQUEST_LATENCY = Histogram(
    "hotline_http_request_duration_seconds",
    "Time to answer a request, by route name, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


class RequestMetricsMiddleware:
    """Time every request into ``hotline_http_request_duration_seconds`` (a few microseconds)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or match.route) if match is not None else UNMATCHED
        method = request.method if request.method in METHODS else "other"
        status = f"{response.status_code // 100}xx"
        REQUEST_LATENCY.labels(route, method, status).observe(time.perf_counter() - started)
        return response


# --- figures read at scrape time --------------------------------------------------------------
def _incident_families() -> Iterator[Metric]:
    from incidents.models import OPEN_STATUSES, Incident, Severity

    rows = dict(
        Incident.objects.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values_list("severity")
        .annotate(n=Count("id"))
    )
    family = GaugeMetricFamily(
        "hotline_incidents_open", "Open incidents (new, acknowledged, mitigated) by severity.",
        labels=["severity"],
    )  # fmt: skip
    for severity in Severity:
        family.add_metric([str(severity.value)], rows.get(severity.value, 0))
    yield family


def _slo_families() -> Iterator[Metric]:
    from incidents.escalation.models import SloKind, SloTimer
    from incidents.models import OPEN_STATUSES

    breached = SloTimer.objects.filter(kind=SloKind.RESPONSE, state=SloTimer.State.BREACHED)
    counts = breached.aggregate(
        total=Count("id"), open=Count("id", filter=Q(incident__status__in=OPEN_STATUSES))
    )
    yield CounterMetricFamily(
        "hotline_slo_response_breaches", "Response SLO timers that breached, ever.",
        value=counts["total"],
    )  # fmt: skip
    yield GaugeMetricFamily(
        "hotline_slo_response_breached_open", "Open incidents whose response SLO breached.",
        value=counts["open"],
    )  # fmt: skip


def _delivery_families() -> Iterator[Metric]:
    from core.notifications.models import Delivery, NotificationChannel

    failing = (Delivery.Status.FAILED, Delivery.Status.DEAD)
    rows = {
        (channel, status): n
        for channel, status, n in Delivery.objects.filter(status__in=failing)
        .order_by()
        .values_list("channel", "status")
        .annotate(n=Count("id"))
    }
    family = GaugeMetricFamily(
        "hotline_notification_deliveries_failing",
        "Outbox deliveries failing by channel: failed (will retry) or dead (gave up).",
        labels=["channel", "status"],
    )
    for channel in NotificationChannel.values:
        for status in failing:
            family.add_metric([channel, status], rows.get((channel, status), 0))
    yield family


def _sweep_families() -> Iterator[Metric]:
    from incidents.escalation.heartbeat import sweep_last_at
    from incidents.escalation.models import Timer

    now = clock.now()
    oldest = (
        Timer.objects.filter(state=Timer.State.PENDING, due_at__lte=now)
        .aggregate(oldest=Min("due_at"))["oldest"]
    )  # fmt: skip
    lag = (now - oldest) / timedelta(seconds=1) if oldest is not None else 0.0
    yield GaugeMetricFamily(
        "hotline_sweep_lag_seconds",
        "Age of the oldest pending timer that is due (0 when nothing is overdue).",
        value=lag,
    )
    last = sweep_last_at()
    if last is not None:
        yield GaugeMetricFamily(
            "hotline_sweep_last_success_timestamp_seconds",
            "When the last timer sweep completed (Unix time).",
            value=last,
        )
        yield GaugeMetricFamily(
            "hotline_sweep_last_success_age_seconds",
            "Seconds since the last timer sweep completed.",
            value=max(now.timestamp() - last, 0.0),
        )


class HotlineCollector(Collector):
    """Read the hotline's figures from the database at scrape time (four small queries)."""

    def collect(self) -> Iterable[Metric]:
        yield from _incident_families()
        yield from _slo_families()
        yield from _delivery_families()
        try:
            yield from _sweep_families()
        except Exception:  # Redis down: the timers' lag still counts, /healthz says the rest
            yield GaugeMetricFamily(
                "hotline_sweep_heartbeat_up", "1 when the sweep heartbeat could be read.", value=0
            )


class _DefaultRegistry(Collector):
    """Forward to the process-wide registry (single-process mode)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def build_registry() -> CollectorRegistry:
    """Return this scrape's registry: request metrics of every process plus the DB figures."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_DefaultRegistry())
    registry.register(HotlineCollector())
    return registry


# --- access -----------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _networks(
    allowed: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def _has_token(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def _allowed_address(request: HttpRequest, allowed: tuple[str, ...]) -> bool:
    address = client_ip(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in _networks(allowed))


def allowed(request: HttpRequest) -> bool:
    """Return whether the request carries the token or comes from an allowed address.

    Raise 404 when neither is configured: the endpoint then does not exist.
    """
    token = settings.HOTLINE_METRICS_TOKEN
    addresses = tuple(settings.HOTLINE_METRICS_ALLOWED_IPS)
    if not token and not addresses:
        raise Http404
    return bool(
        (token and _has_token(request, token))
        or (addresses and _allowed_address(request, addresses))
    )


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Serve the Prometheus text exposition to the internal scraper."""
    if not allowed(request):
        # An empty 403 for a machine: no page to render, nothing about what is configured.
        return HttpResponse(status=403, headers={"WWW-Authenticate": "Bearer"})
    # The text format (0.0.4) unless the scraper asks for OpenMetrics, as prometheus_client does.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(build_registry()), content_type=content_type)
