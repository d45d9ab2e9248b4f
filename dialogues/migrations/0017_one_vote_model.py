"""Question votes and topic votes become one Vote model (they work alike); every existing
vote is copied with its member and time, and back again when migrating backwards."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

BATCH = 2000


def _copy(rows, target, field: str) -> None:
    """Copy (item, member, created_at) of every row into `target`, in batches."""
    rows = rows.order_by("pk").values_list(f"{field}_id", "member_id", "created_at")
    batch = []
    for item_id, member_id, created_at in rows.iterator(chunk_size=BATCH):
        batch.append(target(**{f"{field}_id": item_id}, member_id=member_id, created_at=created_at))
        if len(batch) == BATCH:
            target.objects.bulk_create(batch)
            batch = []
    target.objects.bulk_create(batch)


KINDS = (("QuestionVote", "question"), ("TopicVote", "proposal"))


def merge_votes(apps, schema_editor):
    Vote = apps.get_model("dialogues", "Vote")
    for model, field in KINDS:
        _copy(apps.get_model("dialogues", model).objects.all(), Vote, field)


def split_votes(apps, schema_editor):
    """Backwards: each old model takes the votes of its kind of item."""
    Vote = apps.get_model("dialogues", "Vote")
    for model, field in KINDS:
        votes = Vote.objects.filter(**{f"{field}__isnull": False})
        _copy(votes, apps.get_model("dialogues", model), field)


class Migration(migrations.Migration):
    dependencies = [
        ("dialogues", "0016_interpretation_channels"),
        ("members", "0011_one_off_messages"),
    ]

    operations = [
        # Created with no reverse names, so that it does not clash with the old models'
        # "votes" while both exist; the names come back once the old models are gone.
        migrations.CreateModel(
            name="Vote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="voted"),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="members.member",
                        verbose_name="member",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dialogues.topicproposal",
                        verbose_name="proposal",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="dialogues.question",
                        verbose_name="question",
                    ),
                ),
            ],
            options={"verbose_name": "vote", "verbose_name_plural": "votes"},
        ),
        migrations.RunPython(merge_votes, split_votes),
        migrations.DeleteModel(name="QuestionVote"),
        migrations.DeleteModel(name="TopicVote"),
        migrations.AlterField(
            model_name="vote",
            name="member",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="votes",
                to="members.member",
                verbose_name="member",
            ),
        ),
        migrations.AlterField(
            model_name="vote",
            name="proposal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="votes",
                to="dialogues.topicproposal",
                verbose_name="proposal",
            ),
        ),
        migrations.AlterField(
            model_name="vote",
            name="question",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="votes",
                to="dialogues.question",
                verbose_name="question",
            ),
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.CheckConstraint(
                condition=models.Q(("proposal__isnull", True), ("question__isnull", False))
                | models.Q(("proposal__isnull", False), ("question__isnull", True)),
                name="vote_for_one_item",
            ),
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.UniqueConstraint(
                fields=("question", "member"), name="one_vote_per_question"
            ),
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.UniqueConstraint(
                fields=("proposal", "member"), name="one_vote_per_topic"
            ),
        ),
    ]
