"""Runs unittest cases and writes their results as JUnit XML for Bazel.

What it is for: Bazel's test.xml counts one case per sh_test unless the test
writes its own report to $XML_OUTPUT_FILE; `tools/dev test` counts per case
from it. `main(module_name)` runs every TestCase of that module, prints each
result, writes the report when Bazel asks for one, and returns the exit code.

What it deliberately does not do: skip. A test that cannot run fails.
"""

import os
import sys
import time
import unittest
import xml.etree.ElementTree as ET


class _Recorder(unittest.TextTestResult):
    """A TextTestResult that also keeps (test, outcome, message, seconds)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = []
        self._started = 0.0

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def _record(self, test, outcome, message=""):
        self.records.append((test, outcome, message, time.monotonic() - self._started))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._record(test, "failure", self._exc_info_to_string(err, test))

    def addError(self, test, err):
        super().addError(test, err)
        self._record(test, "error", self._exc_info_to_string(err, test))

    def addSkip(self, test, reason):
        # Skips are not allowed: a test that cannot run is a failure.
        super().addFailure(test, (AssertionError, AssertionError("skipped: " + reason), None))
        self._record(test, "failure", "skipped: " + reason)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._record(subtest, "failure", self._exc_info_to_string(err, test))


def junit_xml(suite_name, records):
    """The JUnit XML document (bytes) of (test, outcome, message, seconds)."""
    failures = sum(1 for r in records if r[1] == "failure")
    errors = sum(1 for r in records if r[1] == "error")
    root = ET.Element("testsuites")
    suite = ET.SubElement(
        root, "testsuite", name=suite_name, tests=str(len(records)),
        failures=str(failures), errors=str(errors))
    for test, outcome, message, seconds in records:
        case = ET.SubElement(
            suite, "testcase", name=getattr(test, "_testMethodName", str(test)),
            classname=type(test).__name__, time="%.3f" % seconds)
        if outcome in ("failure", "error"):
            ET.SubElement(case, outcome, message=message.strip().splitlines()[-1][:200]).text = message
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def main(module_name, argv=None):
    """Runs the TestCases of a module; returns 0 when all passed, else 1."""
    module = sys.modules[module_name]
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=_Recorder)
    result = runner.run(suite)
    out = os.environ.get("XML_OUTPUT_FILE")
    if out:
        name = os.environ.get("TEST_TARGET", module_name)
        with open(out, "wb") as f:
            f.write(junit_xml(name, result.records))
    passed = sum(1 for r in result.records if r[1] == "passed")
    failed = len(result.records) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 0 if result.wasSuccessful() else 1
