from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Pemerintah daerah dan unit layanan")

    def ready(self):
        from agencies import checks  # noqa: F401 - registers the deploy checks
        from agencies.zones import connect_signals

        connect_signals()
