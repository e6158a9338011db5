"""Intake (incident_create) and editing (incident_update) of incidents."""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.people import person_name
from incidents.models import Attachment, Channel, Incident, Severity, Status, TimelineEntry
from incidents.services import incident_create, incident_update
from retainer.models import Contract, Service
from tests.incidents.factories import IncidentFactory, incident_in_status
from tests.retainer.factories import (
    ContractFactory,
    CustomerFactory,
    CustomerUserFactory,
    SupportUserFactory,
    UserFactory,
)

SEOUL = ZoneInfo("Asia/Seoul")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=SEOUL)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
LOG = "2026-03-02 08:59 ERROR 결제 실패 payment failed\n".encode()
COUNTED = (
    Incident,
    Incident.history.model,
    Incident.products.through,
    TimelineEntry,
    TimelineEntry.history.model,
    Attachment,
    Attachment.history.model,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def _stored_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def _log(name: str = "app.log") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, LOG, content_type="text/plain")


def _create(customer, /, **kwargs) -> Incident:
    arguments = {
        "actor": None,
        "customer": customer,
        "summary": "결제 API 500 errors",
        "severity": Severity.HIGH,
        "channel": Channel.WEB,
    }
    return incident_create(**(arguments | kwargs))


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def other(customer_b, customer_user_b):
    """Things that belong to another customer (Globex)."""
    return SimpleNamespace(
        service=customer_b.services.get(),
        product=customer_b.products.get(),
        contract=customer_b.contracts.get(),
        user=customer_user_b,
    )


def test_create_numbers_the_incident_with_a_key(customer_a, clock):
    incident = _create(customer_a)

    assert re.fullmatch(r"HOT-\d+", incident.key)
    assert incident.key == f"HOT-{incident.number}"


def test_create_records_times_and_the_due_time(customer_a, clock):
    incident = _create(customer_a)

    assert incident.status == Status.NEW
    assert incident.reported_at == NOW
    assert incident.detected_at == NOW
    assert incident.response_due_at == NOW + timedelta(hours=2)


def test_create_takes_the_customers_active_contract(customer_a, clock):
    incident = _create(customer_a)

    assert incident.contract.code == "ACME-2026"


@pytest.mark.parametrize(
    ("reported_at", "expected"),
    [
        (datetime(2025, 12, 31, 23, 59, 59, tzinfo=SEOUL), "OLD"),
        (datetime(2026, 1, 1, 0, 0, tzinfo=SEOUL), "NEW"),
    ],
    ids=["last second of the old year", "local midnight"],
)
@pytest.mark.parametrize("active_zone", ["Asia/Seoul", "UTC", "America/Los_Angeles"])
def test_contract_is_chosen_by_the_seoul_date(reported_at, expected, active_zone, db):
    customer = CustomerFactory()
    ContractFactory(
        customer=customer, code="OLD", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
    )
    ContractFactory(
        customer=customer, code="NEW", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )

    with timezone.override(ZoneInfo(active_zone)):
        incident = _create(customer, now=reported_at)

    assert incident.contract.code == expected


@pytest.mark.parametrize(
    "contract",
    [
        None,
        {"status": Contract.Status.DRAFT},
        {"status": Contract.Status.ENDED},
        {"starts_on": date(2025, 1, 1), "ends_on": date(2025, 12, 31)},
    ],
    ids=["none", "draft", "ended", "expired"],
)
def test_without_an_active_contract_the_default_target_applies(contract, db, clock):
    customer = CustomerFactory()
    if contract is not None:
        ContractFactory(customer=customer, response_minutes_sev2=30, **contract)

    incident = _create(customer)

    assert incident.contract is None
    assert incident.response_due_at == NOW + timedelta(hours=2)


def test_the_actor_is_the_default_reporter(customer_a, customer_user_a, clock):
    incident = _create(customer_a, actor=customer_user_a)

    assert incident.reporter == customer_user_a
    assert incident.reporter_name == person_name(customer_user_a)
    assert incident.reporter_email == customer_user_a.email


def test_given_reporter_details_win_over_the_actors(customer_a, customer_user_a, clock):
    incident = _create(
        customer_a, actor=customer_user_a, reporter_name="Kim", reporter_email="kim@example.com"
    )

    assert (incident.reporter_name, incident.reporter_email) == ("Kim", "kim@example.com")


def test_staff_taking_a_call_is_not_the_reporter(customer_a, support_user, clock):
    incident = _create(
        customer_a,
        actor=support_user,
        channel=Channel.PHONE,
        reporter_name="Kim",
        reporter_phone="010-1111-2222",
    )

    assert incident.reporter is None
    assert (incident.reporter_name, incident.reporter_email) == ("Kim", "")


def test_anonymous_intake_has_no_reporter_user(customer_a, clock):
    incident = _create(customer_a, reporter_name="Kim", reporter_phone="010-1111-2222")

    assert incident.reporter is None
    assert incident.reporter_name == "Kim"


def test_create_writes_a_customer_visible_created_entry(customer_a, customer_user_a, clock):
    incident = _create(customer_a, actor=customer_user_a)

    entry = incident.timeline.get()
    assert entry.kind == TimelineEntry.Kind.CREATED
    assert entry.visibility == TimelineEntry.Visibility.CUSTOMER
    assert (entry.actor, entry.at) == (customer_user_a, NOW)


def test_create_sets_service_and_products(customer_a, clock):
    service = customer_a.services.get()
    products = list(customer_a.products.all())

    incident = _create(customer_a, service=service, products=products)

    assert incident.service == service
    assert list(incident.products.all()) == products


def test_create_accepts_the_shared_unknown_service(customer_a, clock):
    unknown = Service.objects.get(customer=None, code=Service.UNKNOWN_CODE)

    incident = _create(customer_a, service=unknown)

    assert incident.service == unknown


def test_create_stores_attachments(customer_a, clock):
    incident = _create(customer_a, attachments=[_log("a.log"), _log("b.log")])

    assert sorted(incident.attachments.values_list("original_name", flat=True)) == [
        "a.log",
        "b.log",
    ]


BAD_INPUTS = [
    pytest.param("summary", lambda o: {"summary": "   "}, id="blank summary"),
    pytest.param("summary", lambda o: {"summary": "x" * 201}, id="summary too long"),
    pytest.param("severity", lambda o: {"severity": 0}, id="severity 0"),
    pytest.param("severity", lambda o: {"severity": 5}, id="severity 5"),
    pytest.param("channel", lambda o: {"channel": "fax"}, id="unknown channel"),
    pytest.param("customer", lambda o: {"customer": None}, id="no customer"),
    pytest.param("service", lambda o: {"service": o.service}, id="other customer's service"),
    pytest.param("products", lambda o: {"products": [o.product]}, id="other customer's product"),
    pytest.param("contract", lambda o: {"contract": o.contract}, id="other customer's contract"),
    pytest.param("reporter", lambda o: {"reporter": o.user}, id="other customer's reporter"),
    pytest.param("reporter", lambda o: {"actor": o.user}, id="filed by another customer"),
    pytest.param(
        "impact_started_at",
        lambda o: {"impact_started_at": NOW + timedelta(hours=1)},
        id="future impact",
    ),
    pytest.param(
        "detected_at", lambda o: {"detected_at": NOW + timedelta(hours=1)}, id="future detection"
    ),
    pytest.param(
        "detected_at",
        lambda o: {
            "impact_started_at": NOW - timedelta(hours=1),
            "detected_at": NOW - timedelta(hours=2),
        },
        id="detected before impact",
    ),
    pytest.param(
        "impact_started_at",
        lambda o: {"impact_started_at": NOW.replace(tzinfo=None)},
        id="naive impact start",
    ),
    pytest.param(
        "detected_at",
        lambda o: {
            "impact_started_at": NOW - timedelta(hours=1),
            "detected_at": NOW.replace(tzinfo=None),
        },
        id="naive detection, aware impact start",
    ),
    pytest.param(
        "attachments",
        lambda o: {"attachments": [_log(f"{n}.log") for n in range(6)]},
        id="too many attachments",
    ),
    pytest.param(
        "attachments",
        lambda o: {"attachments": [_log(), SimpleUploadedFile("notes.txt", ELF)]},
        id="ELF named .txt",
    ),
    pytest.param(
        "attachments",
        lambda o: {"attachments": [SimpleUploadedFile("readme.txt", EXE)]},
        id="exe named .txt",
    ),
    pytest.param(
        "attachments",
        lambda o: {"attachments": [SimpleUploadedFile("empty.log", b"")]},
        id="empty file",
    ),
]


@pytest.mark.parametrize(("field", "bad"), BAD_INPUTS)
def test_bad_input_is_refused_and_creates_nothing(field, bad, customer_a, other, settings, clock):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _create(customer_a, **bad(other))

    assert field in excinfo.value.message_dict
    assert _counts() == before
    assert _stored_files(settings) == []


def test_oversized_attachment_is_refused_and_creates_nothing(customer_a, settings, clock):
    settings.HOTLINE_ATTACHMENT_MAX_BYTES = len(LOG) - 1
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _create(customer_a, attachments=[_log()])

    assert "attachments" in excinfo.value.message_dict
    assert _counts() == before


def test_receipt_is_mailed_after_commit(
    customer_a, mailoutbox, django_capture_on_commit_callbacks, clock
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _create(customer_a, reporter_email="kim@example.com")

    (mail,) = mailoutbox
    assert mail.to == ["kim@example.com"]
    assert mail.subject.startswith(f"[{incident.key}]")
    assert incident.key in mail.body


def test_receipt_waits_for_the_commit(
    customer_a, mailoutbox, django_capture_on_commit_callbacks, clock
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _create(customer_a, reporter_email="kim@example.com")

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_receipt_goes_to_the_reporting_user(
    customer_a, customer_user_a, mailoutbox, django_capture_on_commit_callbacks, clock
):
    with django_capture_on_commit_callbacks(execute=True):
        _create(customer_a, actor=customer_user_a)

    assert [mail.to for mail in mailoutbox] == [[customer_user_a.email]]


@pytest.mark.parametrize("actor", [None, "user without e-mail"])
def test_no_receipt_without_a_reporter_email(
    actor, customer_a, mailoutbox, django_capture_on_commit_callbacks, clock
):
    if actor is not None:
        actor = CustomerUserFactory(customer=customer_a, user__email="").user

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _create(customer_a, actor=actor, reporter_name="Kim")

    assert (callbacks, mailoutbox) == ([], [])


# --- incident_update --------------------------------------------------------------------------


@pytest.fixture
def incident(customer_a):
    return IncidentFactory(customer=customer_a, severity=Severity.HIGH, now=NOW)


def _new_entry(incident: Incident) -> TimelineEntry:
    return incident.timeline.exclude(kind=TimelineEntry.Kind.CREATED).get()


def test_severity_change_is_a_customer_visible_entry(incident, support_user, clock):
    incident_update(incident=incident, actor=support_user, data={"severity": Severity.CRITICAL})

    entry = _new_entry(incident)
    assert incident.severity == Severity.CRITICAL
    assert entry.kind == TimelineEntry.Kind.SEVERITY
    assert entry.visibility == TimelineEntry.Visibility.CUSTOMER
    assert entry.actor == support_user


@pytest.mark.parametrize("role", ["incident_manager", "tech_lead", "communications_lead"])
def test_role_change_is_an_internal_entry(role, incident, support_user, clock):
    engineer = SupportUserFactory()

    incident_update(incident=incident, actor=support_user, data={role: engineer})

    entry = _new_entry(incident)
    assert getattr(incident, role) == engineer
    assert (entry.kind, entry.visibility) == (
        TimelineEntry.Kind.ROLE,
        TimelineEntry.Visibility.INTERNAL,
    )
    assert entry.data["new"] == str(engineer)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", "Payments fully down"),
        ("description", "All card payments fail."),
        ("impact_started_at", NOW - timedelta(hours=1)),
        ("reporter_phone", "010-9999-0000"),
    ],
)
def test_field_change_is_an_internal_entry(field, value, incident, support_user, clock):
    incident_update(incident=incident, actor=support_user, data={field: value})

    entry = _new_entry(incident)
    assert getattr(incident, field) == value
    assert (entry.kind, entry.visibility) == (
        TimelineEntry.Kind.FIELD,
        TimelineEntry.Visibility.INTERNAL,
    )
    assert entry.data["field"] == field


def test_products_change_is_recorded(incident, customer_a, support_user, clock):
    product = customer_a.products.get()

    incident_update(incident=incident, actor=support_user, data={"products": [product]})

    assert list(incident.products.all()) == [product]
    assert _new_entry(incident).data["field"] == "products"


def test_unchanged_values_write_nothing(incident, support_user, clock):
    history = incident.history.count()

    incident_update(
        incident=incident,
        actor=support_user,
        data={"severity": incident.severity, "summary": f" {incident.summary} "},
    )

    assert incident.timeline.count() == 1
    assert incident.history.count() == history


@pytest.mark.parametrize("role", ["incident_manager", "tech_lead", "communications_lead"])
@pytest.mark.parametrize("holder", ["customer user", "user without a group", "inactive engineer"])
def test_role_holder_must_be_an_engineer(role, holder, incident, customer_user_a, support_user):
    user = {
        "customer user": customer_user_a,
        "user without a group": UserFactory(),
        "inactive engineer": SupportUserFactory(is_active=False),
    }[holder]

    with pytest.raises(ValidationError) as excinfo:
        incident_update(incident=incident, actor=support_user, data={role: user})

    assert role in excinfo.value.message_dict
    assert getattr(Incident.objects.get(pk=incident.pk), role) is None


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_closed_and_cancelled_incidents_cannot_be_edited(status, customer_a, support_user):
    incident = incident_in_status(status, actor=support_user, reported_at=NOW, customer=customer_a)
    entries = incident.timeline.count()

    with pytest.raises(ValidationError):
        incident_update(incident=incident, actor=support_user, data={"summary": "Changed"})

    assert Incident.objects.get(pk=incident.pk).summary == incident.summary
    assert incident.timeline.count() == entries


@pytest.mark.parametrize(
    "field", ["status", "key", "customer", "contract", "acknowledged_at", "response_due_at", "x"]
)
def test_unknown_fields_are_refused(field, incident, support_user):
    with pytest.raises(ValidationError):
        incident_update(incident=incident, actor=support_user, data={field: None})

    assert incident.timeline.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"summary": ""},
        {"summary": "x" * 201},
        {"severity": 9},
        {"detected_at": NOW - timedelta(hours=2), "impact_started_at": NOW - timedelta(hours=1)},
    ],
    ids=["blank summary", "long summary", "bad severity", "detected before impact"],
)
def test_invalid_update_changes_nothing(data, incident, support_user, clock):
    before = Incident.objects.filter(pk=incident.pk).values().get()

    with pytest.raises(ValidationError):
        incident_update(incident=incident, actor=support_user, data=data)

    assert Incident.objects.filter(pk=incident.pk).values().get() == before
    assert incident.timeline.count() == 1


def test_update_refuses_another_customers_product(incident, other, support_user):
    with pytest.raises(ValidationError) as excinfo:
        incident_update(incident=incident, actor=support_user, data={"products": [other.product]})

    assert "products" in excinfo.value.message_dict
    assert not incident.products.exists()
