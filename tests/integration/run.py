#!/usr/bin/env python3
"""Runs every tests/integration/test_*.py against the built programs.

POSTHORN_BIN names the folder with the programs. Writes the counts to the
file named on the command line, for tests/summary.sh, and exits non-zero
when anything failed.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else None
    sys.path.insert(0, HERE)
    pattern = os.environ.get("POSTHORN_TESTS", "test_*.py")
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=1, stream=sys.stdout).run(suite)
    # A test with failing subTests is one failed test, not one per subTest.
    def test_ids(pairs):
        return {getattr(t, "test_case", t).id() for t, _ in pairs}
    failed_ids = test_ids(result.failures) | test_ids(result.errors)
    failed_ids |= {t.id() for t in result.unexpectedSuccesses}
    skipped_ids = test_ids(result.skipped) - failed_ids
    failed = len(failed_ids)
    skipped = len(skipped_ids)
    passed = result.testsRun - failed - skipped
    print("integration: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if out:
        with open(out, "w") as f:
            f.write("integration %d %d %d\n" % (passed, failed, skipped))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
