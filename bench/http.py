"""A small keep-alive-free HTTP client on the standard library: cheap enough per request that
the load generator does not steal the server's CPU on a 2-core machine."""

import http.client
import re
import time
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """Keep cookies; send GET and form POST requests; time each one."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.last_body = b""

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, float]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        all_headers = {"Host": f"{self.host}:{self.port}", "Accept-Language": "ko"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        all_headers.update(headers or {})
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        self.last_body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        self.last_status = response.status
        self.last_location = response.getheader("Location", "")
        return response.status, elapsed

    def get(self, path: str) -> tuple[int, float]:
        return self._request("GET", path)

    def post(
        self, path: str, data: dict[str, object] | list[tuple[str, object]], referer: str = ""
    ) -> tuple[int, float]:
        body = urlencode(data, doseq=True).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if referer:
            headers["Referer"] = referer
        return self._request("POST", path, body=body, headers=headers)

    def csrf_from_page(self) -> str:
        match = CSRF_INPUT.search(self.last_body)
        return match.group(1).decode() if match else self.cookies.get("csrftoken", "")

    def login(self, path: str, username: str, password: str) -> None:
        self.get(path)
        token = self.csrf_from_page()
        status, _ = self.post(
            path, {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        if status != 302:
            raise RuntimeError(f"login as {username} failed with HTTP {status}")
