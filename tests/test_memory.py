"""pipeline.memory on the real glibc allocator, each case in a fresh interpreter."""
import subprocess
import sys

import pytest

PROBE = """
import sys
import numpy as np
from pipeline.memory import tune_allocator

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024

if sys.argv[1] == "tuned":
    assert tune_allocator()
page = 2480 * 3508  # an A4 page at 300 dpi, 8.7 MB as uint8
a = np.ones(page, np.uint8); del a  # the first page image; glibc then raises its threshold
before = rss_mb()
b = np.ones(page, np.uint8); del b  # the next one
print(rss_mb() - before)
"""


def _kept_mb(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True)
    return float(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_page_image_goes_back_to_the_os_only_with_the_fixed_threshold():
    assert _kept_mb("default") > 8  # the second page image stayed in the heap
    assert _kept_mb("tuned") < 1
