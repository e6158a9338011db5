"""The customer's monthly M/M reports under /hotline/reports/."""

from django.urls import path

from retainer.hotline import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("subscription/", views.report_subscription, name="subscription"),
    path("<int:contract_id>/<str:month>/", views.report_detail, name="detail"),
]
