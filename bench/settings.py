"""The portal's settings with the floor view's URLs in front: benchmarks only, never the app."""

from a4ep_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
