"""The columns of a shift sheet, shared by the XLSX export and import (a round trip works)."""

from django.utils.translation import gettext_lazy as _

from core.people import full_name

# Column key → its header (translated) and the other headers a team's own sheet may use.
COLUMNS = {
    "date": (_("date"), ("date", "날짜", "일자", "day")),
    "start": (_("start"), ("start", "시작", "시작 시각", "from")),
    "end": (_("end"), ("end", "종료", "종료 시각", "until", "to")),
    "layer": (_("layer"), ("layer", "레이어", "구분", "tier")),
    "engineer": (_("engineer"), ("engineer", "엔지니어", "담당자", "당직자", "name", "이름")),
}
REQUIRED = tuple(COLUMNS)


def engineer_label(user) -> str:
    """Return how a sheet names an engineer: "Full Name (username)", or the username."""
    name = full_name(user.first_name, user.last_name)
    return f"{name} ({user.get_username()})" if name else user.get_username()
