from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonevConfig(AppConfig):
    name = "monev"
    verbose_name = _("Monev pelayanan publik")

    def ready(self):
        # The evidence pack is built by the documents' background task, which lives on the floor below.
        from monev.evidence_pack import pack_document_build
        from reports.documents.generated import document_builder_register
        from reports.models import GeneratedDocument

        document_builder_register(GeneratedDocument.Kind.EVIDENCE_PACK, extension="zip", build=pack_document_build)
