"""Questions asked on the registration form now live as Question rows (waiting for
moderation), so that there is one place questions live; move the old ones there, then drop
the registration's own text field."""

from django.db import migrations


def move_questions(apps, schema_editor):
    Registration = apps.get_model("dialogues", "Registration")
    Question = apps.get_model("dialogues", "Question")
    asked = Registration.objects.exclude(question="").order_by("pk")
    Question.objects.bulk_create(
        Question(
            dialogue_id=registration.dialogue_id,
            member_id=registration.member_id,
            text=registration.question.strip(),
            created_at=registration.registered_at,
        )
        for registration in asked.iterator()
        if registration.question.strip()
    )


def restore_questions(apps, schema_editor):
    Registration = apps.get_model("dialogues", "Registration")
    Question = apps.get_model("dialogues", "Question")
    for question in Question.objects.exclude(member=None).order_by("pk"):
        Registration.objects.filter(
            dialogue_id=question.dialogue_id, member_id=question.member_id, question=""
        ).update(question=question.text[:1000])


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0005_participation")]

    operations = [
        migrations.RunPython(move_questions, restore_questions),
        migrations.RemoveField(model_name="registration", name="question"),
    ]
