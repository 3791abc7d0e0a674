"""job_times: how long each job of an act run took, from its log.

`stamp` copies standard input to standard output, each line prefixed with
the seconds since it started ("  12.3 "); tools/rehearsal/pipeline pipes
act's output through it. `summary LOG` prints, for each job act named in
the stamped log (the "[workflow/job]" prefix of its lines), the time from
its first line to its last, in the order the jobs started.

Usage: job_times.py stamp < act-output > LOG
       job_times.py summary LOG
"""

import re
import sys
import time

LINE = re.compile(r"^\s*(\d+\.\d)\s\[([^\]]+)\]")


def stamp(source, sink):
    started = time.monotonic()
    for line in source:
        sink.write("%6.1f %s" % (time.monotonic() - started, line))
        sink.flush()


def summary(lines):
    """[(job, first, last)] in the order the jobs first appear."""
    spans = {}
    for line in lines:
        found = LINE.match(line)
        if found:
            at, job = float(found.group(1)), found.group(2)
            first, _ = spans.get(job, (at, at))
            spans[job] = (first, at)
    return [(job, first, last) for job, (first, last) in spans.items()]


def main(argv):
    if argv[:1] == ["stamp"]:
        stamp(sys.stdin, sys.stdout)
        return 0
    if len(argv) == 2 and argv[0] == "summary":
        with open(argv[1], encoding="utf-8", errors="replace") as f:
            for job, first, last in summary(f):
                print("%-60s %7.1f s  (from %.1f s to %.1f s)" % (job, last - first, first, last))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
