"""Send report reads to a read replica when one is configured (DATABASE_REPLICA_URL)."""

from skm import replica

# The tallies are what every dashboard, recap and document reads; the submission path never reads them. The units'
# data versions that cached figures are keyed on come from the same database as the tallies (reports.figure_cache).
REPORT_MODELS = {("surveys", name) for name in ("elementtally", "responsetally", "elementmonthtally",
                                                "responsemonthtally", "profilemonthtally", "unitdataversion")}


class ReportReplicaRouter:
    def db_for_read(self, model, **hints):
        if replica.configured() and (model._meta.app_label, model._meta.model_name) in REPORT_MODELS:
            return replica.report_alias()
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
