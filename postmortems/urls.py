"""URLs of the post-mortem pages under /hotline/postmortems/."""

from django.urls import path

from postmortems import views

app_name = "postmortems"
urlpatterns = [
    path("", views.postmortem_list, name="list"),
    path("<int:pk>/", views.postmortem_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.postmortem_acknowledge_view, name="acknowledge"),
    path("<int:pk>/export.md", views.postmortem_export, {"fmt": "md"}, name="export_markdown"),
    path("<int:pk>/export.html", views.postmortem_export, {"fmt": "html"}, name="export_html"),
    path("<int:pk>/export.pdf", views.postmortem_export, {"fmt": "pdf"}, name="export_pdf"),
]
