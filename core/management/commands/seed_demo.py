"""Load demo data: two customers with people, services, products and contracts, staff, incidents.

Safe to re-run: users and customers are matched by username/code; incidents are added only
the first time.
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core import clock
from core.access import ACCOUNT_MANAGER_GROUP, SUPPORT_GROUP
from incidents.models import CancelReason, Channel, Incident, Severity, TimelineEntry
from incidents.services import (
    incident_acknowledge,
    incident_add_note,
    incident_cancel,
    incident_close,
    incident_create,
    incident_mitigate,
    incident_resolve,
)
from oncall.demo import seed_oncall_demo
from retainer.demo import seed_retainer_demo
from retainer.models import Contract, Customer, CustomerUser, Product, Service

DEMO_PASSWORD = "hotline-demo"

STAFF = [
    # username, first name, last name, group
    ("engineer1", "지훈", "김", SUPPORT_GROUP),
    ("engineer2", "서연", "이", SUPPORT_GROUP),
    ("engineer3", "민준", "박", SUPPORT_GROUP),
    ("am1", "유진", "최", ACCOUNT_MANAGER_GROUP),
]

CUSTOMERS = [
    {
        "code": "hanbit",
        "name": "한빛전자",
        "user": ("hanbit", "하늘", "정", "010-2000-1000"),
        "services": [
            ("order-api", "주문 API"),
            ("payment-gw", "결제 게이트웨이"),
            ("oracle-db", "Oracle DB"),
        ],
        "products": ["온라인 쇼핑몰", "모바일 앱", "파트너 포털"],
    },
    {
        "code": "nuri",
        "name": "누리금융",
        "user": ("nuri", "소라", "윤", "010-3000-2000"),
        "services": [
            ("ibanking", "인터넷 뱅킹"),
            ("kafka", "Kafka 클러스터"),
            ("postgres", "PostgreSQL"),
        ],
        "products": ["스마트뱅킹 앱", "기업뱅킹"],
    },
]


class Command(BaseCommand):
    help = "Load demo customers, contracts, staff and incidents (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            staff = self._staff()
            customers = [self._customer(spec, staff["am1"]) for spec in CUSTOMERS]
            seed_oncall_demo()
            if Incident.objects.exists():
                self.stdout.write("Demo incidents already present; left as they are.")
            else:
                self._incidents(customers, staff)
            seed_retainer_demo(staff)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))

    def _user(self, username: str, first: str, last: str, **flags: Any) -> Any:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                **flags,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _staff(self) -> dict[str, Any]:
        self._user("admin", "관리자", "", is_staff=True, is_superuser=True)
        staff = {}
        for username, first, last, group in STAFF:
            user = self._user(username, first, last, is_staff=True)
            user.groups.add(Group.objects.get(name=group))
            staff[username] = user
        return staff

    def _customer(self, spec: dict[str, Any], account_manager: Any) -> Customer:
        customer, _ = Customer.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "account_manager": account_manager,
                "hotline_phone": "1588-0000",
            },
        )
        username, first, last, phone = spec["user"]
        user = self._user(username, first, last)
        CustomerUser.objects.get_or_create(
            user=user, defaults={"customer": customer, "phone": phone}
        )
        for code, name in spec["services"]:
            Service.objects.get_or_create(customer=customer, code=code, defaults={"name": name})
        for name in spec["products"]:
            Product.objects.get_or_create(customer=customer, name=name)
        today = timezone.localdate()
        Contract.objects.get_or_create(
            code=f"{spec['code'].upper()}-{today.year}",
            defaults={
                "customer": customer,
                "account_manager": account_manager,
                "starts_on": date(today.year, 1, 1),
                "ends_on": date(today.year, 12, 31),
                "response_minutes_sev1": 60,
            },
        )
        return customer

    def _incidents(self, customers: list[Customer], staff: dict[str, Any]) -> None:
        hanbit, nuri = customers
        now = clock.now()
        reporter = {c.pk: c.members.first().user for c in customers}
        engineer = staff["engineer1"]

        def create(
            customer: Customer,
            ago: timedelta,
            summary: str,
            severity: int,
            service: str,
            channel: str = Channel.WEB,
        ) -> Incident:
            return incident_create(
                actor=reporter[customer.pk],
                customer=customer,
                summary=summary,
                severity=severity,
                channel=channel,
                description="고객 영향: 일부 사용자 요청 실패. 담당자 연락처 010-2000-1000.",
                service=Service.objects.get(customer=customer, code=service),
                products=list(customer.products.all()[:1]),
                impact_started_at=now - ago - timedelta(minutes=10),
                now=now - ago,
            )

        create(
            hanbit,
            timedelta(minutes=20),
            "주문 API 응답 지연 (p99 8초)",
            Severity.CRITICAL,
            "order-api",
        )
        create(
            nuri,
            timedelta(hours=3),
            "배치 작업 지연으로 정산 파일 누락",
            Severity.MEDIUM,
            "postgres",
            Channel.PHONE,
        )
        acked = create(
            hanbit, timedelta(hours=1), "결제 승인 실패율 12%", Severity.HIGH, "payment-gw"
        )
        incident_acknowledge(incident=acked, actor=engineer, now=now - timedelta(minutes=35))
        incident_add_note(
            incident=acked,
            actor=engineer,
            now=now - timedelta(minutes=20),
            text="PG사 타임아웃 로그 확인 중입니다. 30분 내 1차 분석 공유 예정.",
            visibility=TimelineEntry.Visibility.CUSTOMER,
        )
        mitigated = create(nuri, timedelta(hours=5), "Kafka 컨슈머 랙 급증", Severity.HIGH, "kafka")
        incident_acknowledge(
            incident=mitigated, actor=staff["engineer2"], now=now - timedelta(hours=4, minutes=30)
        )
        incident_mitigate(
            incident=mitigated, actor=staff["engineer2"], now=now - timedelta(hours=3)
        )
        resolved = create(
            hanbit,
            timedelta(days=2),
            "Oracle DB 세션 고갈",
            Severity.CRITICAL,
            "oracle-db",
            Channel.PHONE,
        )
        incident_acknowledge(
            incident=resolved, actor=engineer, now=now - timedelta(days=2) + timedelta(minutes=40)
        )
        incident_resolve(incident=resolved, actor=engineer, now=now - timedelta(days=1, hours=20))
        closed = create(
            nuri, timedelta(days=9), "인터넷 뱅킹 로그인 오류", Severity.HIGH, "ibanking"
        )
        incident_acknowledge(
            incident=closed,
            actor=staff["engineer3"],
            now=now - timedelta(days=9) + timedelta(hours=3),
        )
        incident_resolve(incident=closed, actor=staff["engineer3"], now=now - timedelta(days=8))
        _deliver_postmortem(closed, writer=staff["engineer3"], reviewer=staff["engineer1"], now=now)
        incident_close(incident=closed, actor=staff["engineer3"], now=now - timedelta(days=6))
        duplicate = create(
            hanbit, timedelta(days=1), "쇼핑몰 접속 불가 (중복 접수)", Severity.LOW, "order-api"
        )
        incident_cancel(
            incident=duplicate,
            actor=engineer,
            reason=CancelReason.DUPLICATE,
            note="",
            now=now - timedelta(hours=23),
        )


def _deliver_postmortem(incident: Incident, *, writer: Any, reviewer: Any, now: Any) -> None:
    """Write, review and publish the incident's post-mortem (it must be delivered to close)."""
    from postmortems.models import PostMortem
    from postmortems.services import (
        postmortem_approve,
        postmortem_publish,
        postmortem_submit,
        postmortem_update,
    )

    postmortem = PostMortem.objects.get(incident=incident)
    postmortem_update(
        postmortem=postmortem,
        actor=writer,
        data={
            "customer_impact": "인터넷 뱅킹 로그인이 약 1일 동안 간헐적으로 실패했습니다.",
            "five_whys": "1. 왜 로그인이 실패했나? 세션 저장소의 연결이 고갈되었다.\n"
            "2. 왜? 연결 풀 한도가 트래픽 증가에 맞춰 조정되지 않았다.",
        },
    )
    written = now - timedelta(days=7, hours=4)
    postmortem_submit(postmortem=postmortem, actor=writer, reviewers=[reviewer], now=written)
    postmortem_approve(postmortem=postmortem, actor=reviewer, now=written + timedelta(hours=2))
    postmortem_publish(postmortem=postmortem, actor=writer, now=written + timedelta(hours=3))
