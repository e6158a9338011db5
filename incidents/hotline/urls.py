"""URLs of the customer hotline under /hotline/ (``home``, ``login`` and ``incident`` are
reversed elsewhere, e.g. by the e-mail receipt)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from incidents.hotline import views
from incidents.hotline.forms import LoginForm

app_name = "hotline"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="hotline/login.html",
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("new/", views.incident_new, name="incident_new"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/<str:key>/", views.incident_detail, name="incident"),
    path("incidents/<str:key>/received/", views.incident_received, name="incident_received"),
    path("incidents/<str:key>/comment/", views.incident_comment, name="incident_comment"),
    path(
        "incidents/<str:key>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
