"""``core.inserts.InsertBatch``: a new incident's rows in one statement, the same rows as save()."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from core import inserts
from core.inserts import InsertBatch
from incidents.escalation.models import (
    EscalationPolicy,
    IncidentEscalation,
    SloTimer,
    Timer,
)
from incidents.models import Channel, Incident, Severity, TimelineEntry
from incidents.services import incident_create
from retainer.models import Product, Service
from tests.retainer.factories import CustomerFactory, CustomerUserFactory, ProductFactory

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)

# Every model the intake writes through a batch, and the history models among them.
INTAKE_MODELS = (
    Incident,
    Incident.products.through,
    TimelineEntry,
    SloTimer,
    IncidentEscalation,
    Timer,
)
HISTORY_MODELS = (
    Incident.history.model,
    TimelineEntry.history.model,
    SloTimer.history.model,
    IncidentEscalation.history.model,
)
IGNORED = {"id", "history_id", "incident_id", "history_date", "created_at", "updated_at"}


def _file(customer, actor, summary: str) -> Incident:
    return incident_create(
        actor=actor,
        customer=customer,
        summary=summary,
        description='고객 영향: 주문 실패 — 「결제」 \\ "quoted" \n두 줄',
        severity=Severity.HIGH,
        channel=Channel.WEB,
        service=Service.objects.filter(customer=customer).first(),
        products=Product.objects.filter(customer=customer),
        now=NOW,
    )


def _snapshot(incident: Incident) -> dict[str, list[dict]]:
    """Every row the intake wrote for ``incident``, without keys and write times."""

    def rows(queryset) -> list[dict]:
        return sorted(
            ({k: v for k, v in row.items() if k not in IGNORED} for row in queryset.values()),
            key=repr,
        )

    return {
        "incident": rows(Incident.objects.filter(pk=incident.pk)),
        "incident_history": rows(Incident.history.filter(id=incident.pk)),
        "links": [
            {"product_id": row["product_id"]}
            for row in Incident.products.through.objects.filter(incident=incident)
            .order_by("product_id")
            .values()
        ],
        "timeline": rows(TimelineEntry.objects.filter(incident=incident)),
        "timeline_history": rows(TimelineEntry.history.filter(incident_id=incident.pk)),
        "slo": rows(SloTimer.objects.filter(incident=incident)),
        "slo_history": rows(SloTimer.history.filter(incident_id=incident.pk)),
        "escalation": rows(IncidentEscalation.objects.filter(incident=incident)),
        "escalation_history": rows(IncidentEscalation.history.filter(incident_id=incident.pk)),
        "timers": rows(Timer.objects.filter(incident=incident)),
    }


def _normalised(snapshot: dict[str, list[dict]], incident: Incident) -> dict[str, list[dict]]:
    """The two incidents differ by number and key only; blank those out."""
    for table in ("incident", "incident_history"):
        for row in snapshot[table]:
            assert row.pop("number") == incident.number
            assert row.pop("key") == incident.key
    return snapshot


@pytest.fixture
def customer(db):
    # No contract: the intake also writes the entitlement flag on the timeline.
    customer = CustomerFactory(name="한빛", code="hanbit")
    Service.objects.create(customer=customer, name="결제", code="payments")
    ProductFactory(customer=customer, name="웹 상점")
    ProductFactory(customer=customer, name="모바일")
    return customer


@pytest.mark.django_db(transaction=True)
def test_one_statement_writes_the_same_rows_as_save(customer, monkeypatch):
    """The batched intake and the ordinary one (the path SQLite takes) leave identical rows."""
    reporter = CustomerUserFactory(customer=customer, user__username="minji").user
    batched = _file(customer, reporter, "결제 API 500")
    monkeypatch.setattr(InsertBatch, "_batchable", staticmethod(lambda objs, alias: False))
    ordinary = _file(customer, reporter, "결제 API 500")

    one = _normalised(_snapshot(batched), batched)
    other = _normalised(_snapshot(ordinary), ordinary)
    assert one == other
    # And the rows are all there: links, two timeline entries, clock, plan, timers, histories.
    assert len(one["links"]) == 2
    assert [row["kind"] for row in one["timeline"]] == sorted(["created", "entitlement"])
    assert len(one["incident_history"]) == len(one["timeline_history"]) - 1 == 1
    assert one["incident_history"][0]["history_user_id"] == reporter.pk
    assert one["incident_history"][0]["history_type"] == "+"
    assert len(one["slo_history"]) == len(one["escalation_history"]) == 1
    assert len(one["timers"]) >= 3
    # The history row copies what pre_save filled in (auto_now_add), as post_save does.
    history = Incident.history.get(id=batched.pk)
    assert history.created_at == Incident.objects.get(pk=batched.pk).created_at
    assert history.history_date is not None


@pytest.mark.django_db
def test_flush_is_two_statements_whatever_the_rows(customer):
    incident = _file(customer, None, "warm-up")  # tables described, statement built
    batch = InsertBatch()
    for n in range(5):
        batch.add(
            TimelineEntry(incident=incident, kind="note", text=f"노트 {n}", at=NOW, data={"n": n})
        )
    batch.add(SloTimer(incident=incident, kind="postmortem", started_at=NOW, due_at=NOW))
    with CaptureQueriesContext(connection) as queries:
        batch.flush()
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "nextval" in queries[0]["sql"]
    assert queries[1]["sql"].startswith("WITH ")
    assert TimelineEntry.objects.filter(incident=incident, kind="note").count() == 5
    assert TimelineEntry.history.filter(incident_id=incident.pk, kind="note").count() == 5
    assert len(batch) == 0


@pytest.mark.django_db
def test_values_survive_the_trip(customer):
    """JSON, text with quotes and backslashes, times with zones and decimals read back equal."""
    incident = _file(customer, None, "값")
    data = {"한글": '값 "q" \\ \n', "list": [1, 2.5, None, True], "nested": {"d": "1.10"}}
    entry = TimelineEntry(
        incident=incident,
        kind="note",
        text="줄1\n줄2 \\ \" ' \t",
        at=NOW + timedelta(microseconds=123456),
        data=data,
    )
    batch = InsertBatch()
    batch.add(entry)
    batch.flush()
    stored = TimelineEntry.objects.get(pk=entry.pk)
    assert stored.data == data
    assert stored.text == entry.text
    assert stored.at == NOW + timedelta(microseconds=123456)
    assert inserts._json_value(Decimal("1.10")) == "1.10"


@pytest.mark.django_db
def test_a_failing_row_writes_nothing(customer):
    incident = _file(customer, None, "first")
    batch = InsertBatch()
    batch.add(TimelineEntry(incident=incident, kind="note", text="kept?", at=NOW))
    # Same number as an existing incident: the unique constraint fails the whole statement.
    batch.add(
        Incident(
            number=incident.number,
            key="HOT-dup",
            summary="dup",
            severity=Severity.LOW,
            customer=customer,
            channel=Channel.WEB,
            reported_at=NOW,
            response_due_at=NOW,
        )
    )
    before = TimelineEntry.objects.count(), TimelineEntry.history.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        batch.flush()
    assert (TimelineEntry.objects.count(), TimelineEntry.history.count()) == before


@pytest.mark.django_db
def test_unsupported_tables_are_saved_the_ordinary_way(customer):
    """A DurationField is not batched: the policy is saved with save(), history included."""
    assert inserts._table(EscalationPolicy, "default") is None
    policy = EscalationPolicy(name="야간", repeat_interval=timedelta(minutes=10))
    batch = InsertBatch()
    batch.add(policy)
    batch.flush()
    assert policy.pk is not None
    assert EscalationPolicy.history.filter(id=policy.pk, history_type="+").count() == 1


@pytest.mark.django_db
def test_only_new_instances_are_taken(customer):
    incident = _file(customer, None, "saved")
    with pytest.raises(ValueError, match="already saved"):
        InsertBatch().add(incident)


def test_intake_models_have_no_save_receivers_but_history():
    """The batch sends no save signals: a receiver added on these models would be skipped."""
    for model in (*INTAKE_MODELS, *HISTORY_MODELS):
        sync_receivers, async_receivers = post_save._live_receivers(model)
        others = [
            receiver
            for receiver in [*sync_receivers, *async_receivers]
            if not isinstance(getattr(receiver, "__self__", None), HistoricalRecords)
        ]
        assert others == [], f"{model.__name__} has post_save receivers: {others}"


@pytest.mark.django_db
def test_a_failed_flush_leaves_the_instances_as_they_were(customer):
    incident = _file(customer, None, "first")
    duplicate = Incident(
        number=incident.number,
        key="HOT-dup",
        summary="dup",
        severity=Severity.LOW,
        customer=customer,
        channel=Channel.WEB,
        reported_at=NOW,
        response_due_at=NOW,
    )
    entry = TimelineEntry(incident=duplicate, kind="note", text="child", at=NOW)
    batch = InsertBatch()
    batch.add(duplicate, entry)
    with pytest.raises(IntegrityError), transaction.atomic():
        batch.flush()
    assert duplicate.pk is None
    assert entry.pk is None
    assert entry.incident_id is None
    assert entry.incident is duplicate
    assert duplicate._state.adding
    assert entry._state.adding
    # Fixed, the same instances go in with a new batch.
    duplicate.number, duplicate.key = incident.number + 1000, "HOT-fixed"
    retry = InsertBatch()
    retry.add(duplicate, entry)
    retry.flush()
    assert TimelineEntry.objects.get(pk=entry.pk).incident_id == duplicate.pk
    assert Incident.history.filter(id=duplicate.pk).count() == 1


@pytest.mark.django_db
def test_a_refused_value_leaves_the_transaction_usable(customer):
    from django.db.models import Value

    incident = _file(customer, None, "expression")
    entry = TimelineEntry(incident=incident, kind="note", text=Value("x"), at=NOW)
    with transaction.atomic():
        batch = InsertBatch()
        batch.add(entry)
        with pytest.raises(ValueError, match="expression"):
            batch.flush()
        assert entry.pk is None
        entry.text = "plain"
        entry.save()  # the transaction was not marked for rollback
    assert TimelineEntry.objects.filter(pk=entry.pk, text="plain").exists()


@pytest.mark.django_db(transaction=True)
def test_a_column_the_model_does_not_know_keeps_its_default(customer):
    """A migration ahead of the running code: the batch names its columns, like save()."""
    _file(customer, None, "described")  # the table's columns are known before the change
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE incidents_timelineentry ADD COLUMN extra integer DEFAULT 7")
    try:
        incident = _file(customer, None, "after the migration")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT extra FROM incidents_timelineentry WHERE incident_id = %s",
                [incident.pk],
            )
            assert cursor.fetchall() == [(7,)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE incidents_timelineentry DROP COLUMN extra")
