#!/bin/sh
# Stand-in for Bazel's downloaded coverage tools (see BUILD): fail loudly.
echo "remote_coverage_tools: 'bazel coverage' is not supported in this offline build" >&2
exit 1
