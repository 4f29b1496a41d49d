"""minutes: Bangla meeting minutes into structured data (see README.md)."""
import os

# numpy's OpenBLAS starts one thread per core when numpy is imported, and its threads spin while
# they wait. The pipeline runs one worker process per core and does no large matrix work: the
# extra threads only took CPU from the other worker (measured: 0.2 s of CPU a process, 0.82-0.97 s
# against 0.60-0.71 s for a loop over 60 PDFs). Set before any module imports numpy; a caller's
# own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
