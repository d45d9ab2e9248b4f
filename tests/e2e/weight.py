"""What a browser downloads for a page on a first visit: measured from the network, as
compressed bytes on the wire (response headers and body), by kind. Shared by
tests/e2e/test_page_weight.py and bench/page_weight.py."""

from collections import Counter

BUDGET = 25 * 1024  # bytes per page, first visit, compressed
SPEAKERS_BUDGET = 60 * 1024  # a dialogue page with six speakers' photos
KINDS = {
    "document": "html",
    "stylesheet": "css",
    "script": "js",
    "font": "font",
    "image": "image",
    "media": "media",
}


def first_visit(browser, base_url: str, path: str, urls: list | None = None) -> Counter:
    """Bytes per kind for one page in a fresh context (empty cache, no cookies), read to its
    end: the page is scrolled down so that lazily loaded images (speaker photos) count too.
    The address of every request is added to `urls` when given."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    sizes: Counter = Counter()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(path, wait_until="load")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.images].every(image => image.complete)")
    page.wait_for_load_state("networkidle")
    for request in finished:
        transfer = request.sizes()
        kind = KINDS.get(request.resource_type, "other")
        sizes[kind] += transfer["responseBodySize"] + transfer["responseHeadersSize"]
        if urls is not None:
            urls.append(request.url)
    context.close()
    return sizes


def table(rows: list[tuple[str, Counter]]) -> str:
    kinds = ["html", "css", "js", "image", "font", "other"]
    lines = [f"{'page':<52} " + " ".join(f"{k:>7}" for k in kinds) + f" {'total':>8}"]
    for path, sizes in rows:
        cells = " ".join(f"{sizes.get(k, 0):>7}" for k in kinds)
        lines.append(f"{path:<52} {cells} {sum(sizes.values()):>8}")
    lines.append(
        f"budget: {BUDGET} bytes per page ({SPEAKERS_BUDGET} for a dialogue with six speakers' "
        "photos), compressed, headers included"
    )
    return "\n".join(lines)
