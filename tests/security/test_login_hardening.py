"""Staff login hardening: lockout per user name + address, two-factor login, recorded events."""

import pytest
from django.test import Client, RequestFactory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import SecurityEvent
from core.security.net import client_ip
from tests.security.conftest import PASSWORD, client_as
from tests.security.matrix import MATRIX
from tests.security.routes import all_routes, build_url
from tests.security.test_route_matrix import is_admin, samples, values_for  # noqa: F401

ATTACKER, HOME, OFFICE = "203.0.113.7", "198.51.100.20", "198.51.100.30"
Kind = SecurityEvent.Kind


def login(client: Client, username: str, password: str, path: str = "/hotline/login/"):
    return client.post(path, {"username": username, "password": password})


def from_address(address: str, **headers: str) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **headers)


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset
    return f"{totp.token():0{device.digits}d}"


# --- client address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.9"),  # no proxy: the header is the client's own words
        (1, "1.2.3.4", "1.2.3.4"),  # our proxy appended the real client
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a made-up entry on the left is ignored
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.9"),  # fewer hops than proxies: not through our proxies
        (1, "not-an-address", "10.0.0.9"),
    ],
)
def test_client_address_trusts_only_our_own_proxies(settings, trusted, forwarded, expected):
    settings.HOTLINE_TRUSTED_PROXY_COUNT = trusted
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


# --- lockout ----------------------------------------------------------------------------------


def lock_out(username: str, address: str = ATTACKER, path: str = "/hotline/login/") -> None:
    """Fail five times: four wrong-password pages, then the fifth failure locks out."""
    statuses = [login(from_address(address), username, "wrong", path).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_five_failures_lock_the_user_out_from_that_address(users):
    lock_out("alice")

    response = login(from_address(ATTACKER), "alice", PASSWORD)  # even the right password

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in response.client.session


def test_a_forged_forwarded_for_does_not_reset_the_lockout(users):
    lock_out("alice")

    for forged in ("1.1.1.1", "2.2.2.2, 3.3.3.3", HOME):
        client = from_address(ATTACKER, HTTP_X_FORWARDED_FOR=forged)
        assert login(client, "alice", PASSWORD).status_code == 429


def test_the_real_user_still_logs_in_from_their_own_address(users):
    lock_out("alice")

    response = login(from_address(HOME), "alice", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/hotline/"


def test_the_admin_login_locks_out_staff_too(users):
    lock_out("support1", path="/admin/login/")

    response = login(from_address(ATTACKER), "support1", PASSWORD, "/admin/login/")

    assert response.status_code == 429


def test_the_token_endpoint_counts_failures_and_locks_out(users):
    client = from_address(ATTACKER)
    statuses = [
        client.post(
            "/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, "application/json"
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 429]

    response = client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, "application/json"
    )

    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]


def test_korean_users_read_the_lockout_in_korean(users):
    lock_out("alice")

    response = Client(REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="ko").post(
        "/hotline/login/", {"username": "alice", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many failed logins" not in response.content.decode()


# --- recorded events --------------------------------------------------------------------------


def test_logins_failures_and_lockouts_are_recorded_with_the_address(users):
    login(from_address(OFFICE), "support1", PASSWORD, "/admin/login/")
    lock_out("support1", path="/admin/login/")
    login(from_address(ATTACKER), "support1", PASSWORD, "/admin/login/")

    events = SecurityEvent.objects.filter(username="support1")
    ok = events.get(kind=Kind.LOGIN)
    assert ok.is_staff
    assert ok.ip_address == OFFICE
    assert ok.path == "/admin/login/"
    assert events.filter(kind=Kind.LOGIN_FAILED, ip_address=ATTACKER).count() >= 4
    assert events.filter(kind=Kind.LOCKED_OUT, ip_address=ATTACKER).exists()


# --- two-factor login -----------------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.HOTLINE_REQUIRE_2FA = True


@pytest.fixture
def support_device(users):
    return TOTPDevice.objects.create(user=users["support"], name="authenticator", confirmed=True)


def password_login(username: str) -> Client:
    client = from_address(OFFICE)
    assert login(client, username, PASSWORD, "/admin/login/").status_code == 302
    return client


def test_staff_without_a_device_are_sent_to_set_one_up(two_factor, users):
    client = password_login("support1")

    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[0][0] == "/admin/2fa/verify/?next=/admin/"
    assert response.request["PATH_INFO"] == "/admin/2fa/setup/"
    page = response.content.decode()
    assert '<svg class="hl-qr"' in page
    assert "<script" not in page.split("</head>")[1] or 'src="' in page


def test_setting_up_a_device_verifies_the_session(two_factor, users):
    client = password_login("support1")
    client.get("/admin/2fa/setup/")
    device = TOTPDevice.objects.get(user=users["support"], confirmed=False)

    response = client.post("/admin/2fa/setup/", {"token": code_for(device), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert SecurityEvent.objects.filter(kind=Kind.OTP_SETUP, username="support1").exists()


def test_staff_with_a_device_must_enter_its_code(two_factor, support_device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off between the two tries of this test
    client = password_login("support1")

    wrong = client.post("/admin/2fa/verify/", {"token": "000000"})
    right = client.post("/admin/2fa/verify/", {"token": code_for(support_device, 30)})

    assert wrong.status_code == 200
    assert "not right" in wrong.content.decode()
    assert right.status_code == 302
    assert client.get("/admin/").status_code == 200
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {Kind.OTP_FAILED, Kind.OTP_VERIFIED} <= kinds


def test_a_verified_device_cannot_be_replaced_with_the_password_alone(two_factor, support_device):
    client = password_login("support1")

    response = client.get("/admin/2fa/setup/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/2fa/verify/")


def test_an_unverified_staff_session_reaches_no_route(two_factor, users, samples):  # noqa: F811
    """Walk every route: until the code is entered, staff see nothing but the 2FA pages."""
    client = client_as(users["support"])
    reachable = []
    for route in all_routes():
        if not (is_admin(route) or route.id in MATRIX):
            continue
        url = build_url(route, values_for(route, samples))
        response = client.get(url)
        if response.status_code == 200 and route.id not in ("twofactor:setup", "admin:login"):
            reachable.append(url)
    assert not reachable, f"Reachable without the second factor: {reachable}"


def test_an_unverified_staff_session_gets_403_from_the_api(two_factor, users):
    response = client_as(users["support"]).get("/api/v1/incidents/")

    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_staff_api_tokens_need_the_code(two_factor, support_device):
    client = from_address(OFFICE)
    url = "/api/v1/auth/token/"
    credentials = {"username": "support1", "password": PASSWORD}

    without = client.post(url, credentials, "application/json")
    with_code = client.post(
        url, {**credentials, "otp_token": code_for(support_device)}, "application/json"
    )

    assert without.status_code == 400
    assert "otp_token" in without.json()
    assert with_code.status_code == 200
    assert with_code.json()["token"]


def test_customers_are_not_asked_for_a_second_factor(two_factor, users):
    client = from_address(HOME)
    assert login(client, "alice", PASSWORD).status_code == 302

    assert client.get("/hotline/new/").status_code == 200
    token = client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": PASSWORD}, "application/json"
    )
    assert token.status_code == 200


def test_without_the_setting_staff_reach_the_admin_directly(settings, users):
    settings.HOTLINE_REQUIRE_2FA = False

    assert password_login("support1").get("/admin/").status_code == 200


def test_no_admin_can_read_another_persons_totp_secret(users, support_device):
    superuser = type(users["support"]).objects.create_superuser(
        "root", "root@example.com", PASSWORD
    )
    client = client_as(superuser)

    config = client.get(f"/admin/otp_totp/totpdevice/{support_device.pk}/config/")
    qrcode = client.get(f"/admin/otp_totp/totpdevice/{support_device.pk}/qrcode/")

    assert config.status_code == 403
    assert qrcode.status_code == 403


@pytest.mark.parametrize("url", ["/hotline/login/", "/admin/login/"])
def test_a_wrong_password_is_said_plainly_in_korean(users, url):
    """Django's own message reads "사용자 이름와/과" in Korean; ours is plain."""
    user = users["support"] if url.startswith("/admin") else users["customer_a"]
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    response = client.post(url, {"username": user.username, "password": "wrong"})
    page = response.content.decode()
    assert "사용자 이름과 비밀번호를 정확히 입력하세요." in page
    assert "와/과" not in page
