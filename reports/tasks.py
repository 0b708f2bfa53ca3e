"""Background tasks (django-tasks: the database backend and `manage.py db_worker` in production, the
immediate backend in tests)."""

from django_tasks import task

from reports.documents.generated import document_build, document_fail, documents_purge_expired
from reports.models import GeneratedDocument


@task()
def document_build_task(document_id: str) -> None:
    documents_purge_expired()
    document = GeneratedDocument.objects.select_related("region", "agency", "unit", "requested_by").filter(
        pk=document_id).first()
    if document is None:
        return
    try:
        document_build(document=document)
    except Exception as problem:
        document_fail(document_id=document_id, message=f"{type(problem).__name__}: {problem}")
        raise
