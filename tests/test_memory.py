"""pipeline.memory on the real glibc allocator, and the worker's threads, each case in a fresh
interpreter."""
import os
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


THREADS = """
import os
{first}
import numpy as np
np.ones((64, 64)) @ np.ones((64, 64))  # a BLAS call, as OCR preprocessing makes
print(len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="OpenBLAS starts no threads on one core")
def test_numpy_runs_single_threaded_once_pipeline_is_imported():
    """One worker process per core: numpy's OpenBLAS must not add spinning threads of its own."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}

    def threads(first: str) -> int:
        res = subprocess.run([sys.executable, "-c", THREADS.format(first=first)], capture_output=True,
                             text=True, check=True, env=env)
        return int(res.stdout)

    assert threads("") > 1  # numpy alone: a thread pool
    assert threads("import pipeline") == 1
