"""Forwards to Bazel 4's native C++ rules; see ../BUILD for why.

Exactly the symbols @bazel_tools loads when building and testing C/C++ on
Linux; add one only when Bazel reports "does not contain symbol".
"""

cc_binary = native.cc_binary
cc_library = native.cc_library
cc_test = native.cc_test
cc_toolchain = native.cc_toolchain
cc_toolchain_suite = native.cc_toolchain_suite
