"""Loaded by a test's worker process (``REPORT_EXTRA_RENDERER_MODULES``): annual reports there use the flaky
test renderer, so the test can watch a run fail halfway and its retry succeed through a real worker."""

from reporting.runs import register_renderer
from reporting.tests.run_renderers import flaky

register_renderer("annual", flaky)
