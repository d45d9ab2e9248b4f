from celery import shared_task

from . import building, services


@shared_task(name="papers.publish_scheduled", ignore_result=True)
def publish_scheduled() -> int:
    """Run every minute by beat: publish approved items whose publish_at has come."""
    return len(services.publish_scheduled_items())


@shared_task(name="papers.build_item_files", ignore_result=True)
def build_item_files(*, dialogue_id: int | None = None, paper_id: int | None = None) -> int:
    """Remake a dialogue's or paper's stale preview images (and the dialogue's offline pack),
    queued on commit by the change that made them stale."""
    return building.build_item_files(dialogue_id=dialogue_id, paper_id=paper_id)


@shared_task(name="papers.sweep_derived_files")
def sweep_derived_files() -> int:
    """Run by beat: build the preview images and packs still owed (a lost task, a new item)."""
    return building.sweep_derived_files()
