"""Forwards to Bazel 4's native Java rules; see ../BUILD for why.

Exactly the symbols @bazel_tools//tools/jdk loads; we compile no Java.
"""

java_import = native.java_import
java_runtime = native.java_runtime
java_toolchain = native.java_toolchain
