from django.urls import path

from portal.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("leichte-sprache/", views.leichte_sprache, name="leichte-sprache"),
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("sprache/", views.language, name="language"),
    # After login: the overview (panels from the apps, portal/web/overview.py) and the account.
    path("overview/", views.overview, name="overview"),
    path("account/", views.account, name="account"),
    path("account/data-export/", views.account_data_export, name="account-data-export"),  # Art. 15 DSGVO
]
