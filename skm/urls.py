from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agencies.forms import StaffLoginForm
from reports import views as reports_views
from skm.health import health
from skm.icons import favicon

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=StaffLoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # "Lupa kata sandi": Django's reset by e-mail; the link in the e-mail works once and expires.
    path("accounts/lupa-sandi/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/lupa-sandi/terkirim/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/atur-sandi/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/atur-sandi/selesai/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("surveys.urls")),
    path("staf/", include("surveys.urls_staff")),
    path("dasbor/", include("reports.urls")),
    path("kelola/", include("agencies.urls")),
    path("dokumen/", include("reports.urls_documents")),
    path("hasil/", include("reports.urls_public")),
    path("monev/", include("monev.urls")),
    path("kampanye/", include("campaigns.urls")),
    path("denyut/", include("pulse.urls")),
    path("", include("pulse.urls_api")),
]
