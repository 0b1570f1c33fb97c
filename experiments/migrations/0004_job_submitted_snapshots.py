import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def record_submitted_snapshots(apps, schema_editor):
    """Existing jobs: the queue's and experiment's snapshot that was latest
    when the job was created."""
    Job = apps.get_model("experiments", "Job")
    Snapshot = apps.get_model("experiments", "Snapshot")

    def latest_then(resource_type: str, field: str):
        return Subquery(
            Snapshot.objects.filter(
                resource_type=resource_type,
                resource_id=OuterRef(field),
                created_on__lte=OuterRef("created_on"),
            )
            .order_by("-id")
            .values("id")[:1]
        )

    Job.objects.update(
        queue_snapshot_id=latest_then("queue", "queue_id"),
        experiment_snapshot_id=latest_then("experiment", "experiment_id"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("experiments", "0003_name_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="experiment_snapshot",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="experiments.snapshot",
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="queue_snapshot",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="experiments.snapshot",
            ),
        ),
        migrations.RunPython(record_submitted_snapshots, migrations.RunPython.noop),
    ]
