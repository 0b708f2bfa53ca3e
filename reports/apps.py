from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Hasil dan laporan")

    def ready(self):
        from skm import lookups  # noqa: F401  (registers field__any)
