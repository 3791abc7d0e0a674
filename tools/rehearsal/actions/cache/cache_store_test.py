"""The actions/cache stand-in's store matches, restores and refuses as
GitHub's cache does: an exact key is a hit; restore keys are prefixes tried
in order, newest entry first, and are not a hit; an entry is written once;
a damaged archive is never extracted; `!` paths stay out; with the store
off nothing is saved or restored; a run sees only its own ref's entries and
the default branch's (a tag never restores what dev saved); an entry is
found only by the path list it was saved with (GitHub's cache version).

Usage: cache_store_test.py   (run by //tools/rehearsal:cache_store_test)
"""

import json
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cache_store  # noqa: E402


class StoreTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.store = os.path.join(self.tmp, "store")
        self.home = os.path.join(self.tmp, "home")
        self.out = os.path.join(self.tmp, "github_output")
        os.makedirs(os.path.join(self.home, "tools", "skip"))
        self.write("tools/bin", "v1")
        self.write("tools/skip/big", "left out")
        self.event = os.path.join(self.tmp, "event.json")
        with open(self.event, "w", encoding="utf-8") as f:
            json.dump({"ref": "refs/heads/dev", "repository": {"default_branch": "main"}}, f)
        self.env = {name: os.environ.get(name) for name in
                    ("HOME", "GITHUB_OUTPUT", "REHEARSAL_CACHE", "GITHUB_REF", "GITHUB_EVENT_PATH")}
        os.environ.update(HOME=self.home, GITHUB_OUTPUT=self.out, REHEARSAL_CACHE=self.store,
                          GITHUB_REF="refs/heads/dev", GITHUB_EVENT_PATH=self.event)

    def tearDown(self):
        for name, value in self.env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(self.tmp)

    def write(self, rel, text):
        path = os.path.join(self.home, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def read(self, rel):
        with open(os.path.join(self.home, rel), encoding="utf-8") as f:
            return f.read()

    def run_store(self, *args):
        if os.path.exists(self.out):
            os.remove(self.out)
        self.assertEqual(cache_store.main(list(args)), 0)
        outputs = {}
        if os.path.exists(self.out):
            with open(self.out, encoding="utf-8") as f:
                outputs = dict(line.rstrip("\n").split("=", 1) for line in f)
        return outputs

    PATHS = "~/tools\n!~/tools/skip"

    def save(self, key):
        self.run_store("save", "--key", key, "--path", self.PATHS)

    def restore(self, key, restore_keys=""):
        return self.run_store("restore", "--key", key, "--restore-keys", restore_keys, "--path", self.PATHS)

    def wipe(self):
        shutil.rmtree(os.path.join(self.home, "tools"))

    def test_exact_key_is_a_hit_and_restores_the_files(self):
        self.save("tools-Linux-abc")
        self.wipe()
        out = self.restore("tools-Linux-abc", "tools-Linux-")
        self.assertEqual(out["cache-hit"], "true")
        self.assertEqual(out["cache-matched-key"], "tools-Linux-abc")
        self.assertEqual(self.read("tools/bin"), "v1")

    def test_a_restore_lands_in_the_restoring_jobs_home(self):
        self.save("k")
        self.wipe()
        # act's job directories sit under .state/: a dot in HOME, which a
        # tar --transform replacement must take literally.
        other = os.path.join(self.tmp, ".state", "job.2", "home")
        os.environ["HOME"] = other
        os.makedirs(other)
        self.assertEqual(self.restore("k")["cache-hit"], "true")
        with open(os.path.join(other, "tools", "bin"), encoding="utf-8") as f:
            self.assertEqual(f.read(), "v1")
        self.assertFalse(os.path.exists(os.path.join(self.home, "tools")))

    def test_excluded_paths_are_not_saved(self):
        self.save("k")
        self.wipe()
        self.restore("k")
        self.assertFalse(os.path.exists(os.path.join(self.home, "tools", "skip", "big")))

    def test_restore_keys_are_prefixes_newest_first_and_not_a_hit(self):
        self.save("tools-Linux-old")
        time.sleep(0.01)
        self.write("tools/bin", "v2")
        self.save("tools-Linux-new")
        self.save("other-Linux-x")
        self.wipe()
        out = self.restore("tools-Linux-none", "nothing-\ntools-Linux-")
        self.assertEqual(out["cache-hit"], "false")
        self.assertEqual(out["cache-matched-key"], "tools-Linux-new")
        self.assertEqual(self.read("tools/bin"), "v2")

    def test_another_path_list_never_finds_the_entry(self):
        # GitHub's cache version hashes the path lines: a workflow that
        # lists one more exclusion than the one that saved misses, by the
        # exact key and by every restore key.
        self.save("tools-Linux-abc")
        self.wipe()
        out = self.run_store("restore", "--key", "tools-Linux-abc", "--restore-keys", "tools-Linux-",
                             "--path", self.PATHS + "\n!~/tools/other")
        self.assertEqual(out["cache-hit"], "false")
        self.assertEqual(out["cache-matched-key"], "")
        self.assertFalse(os.path.exists(os.path.join(self.home, "tools")))
        self.assertEqual(self.restore("tools-Linux-abc")["cache-hit"], "true")

    def test_a_miss_says_so_and_restores_nothing(self):
        self.save("tools-Linux-abc")
        self.wipe()
        out = self.restore("go-Linux-abc", "go-")
        self.assertEqual(out, {"cache-hit": "false", "cache-primary-key": "go-Linux-abc", "cache-matched-key": ""})
        self.assertFalse(os.path.exists(os.path.join(self.home, "tools")))

    def test_an_entry_is_written_once(self):
        self.save("k")
        self.write("tools/bin", "v2")
        self.save("k")
        self.wipe()
        self.restore("k")
        self.assertEqual(self.read("tools/bin"), "v1")

    def test_a_damaged_archive_is_a_miss_never_extracted(self):
        self.save("k")
        archive = os.path.join(cache_store.entry_dir(self.store, "k", "refs/heads/dev", cache_store.cache_version(self.PATHS)), "archive.tar")
        with open(archive, "r+b") as f:
            f.truncate(os.path.getsize(archive) // 2)
        self.wipe()
        out = self.restore("k")
        self.assertEqual(out["cache-hit"], "false")
        self.assertFalse(os.path.exists(os.path.join(self.home, "tools")))

    def test_off_without_a_store(self):
        os.environ.pop("REHEARSAL_CACHE")
        self.save("k")
        self.assertFalse(os.path.exists(self.store))
        out = self.restore("k")
        self.assertEqual(out["cache-hit"], "false")

    def test_nothing_to_save_is_a_warning_not_an_entry(self):
        self.wipe()
        self.save("k")
        self.assertEqual(cache_store.entries(self.store, "refs/heads/dev", cache_store.cache_version(self.PATHS)), [])

    def test_a_tag_sees_the_default_branchs_entries_never_devs(self):
        self.save("tools-Linux-dev")
        os.environ["GITHUB_REF"] = "refs/heads/main"
        self.write("tools/bin", "from main")
        self.save("tools-Linux-main")
        self.wipe()
        os.environ["GITHUB_REF"] = "refs/tags/v1.0.0"
        self.assertEqual(self.restore("tools-Linux-dev")["cache-matched-key"], "")
        out = self.restore("tools-Linux-dev", "tools-Linux-")
        self.assertEqual(out["cache-matched-key"], "tools-Linux-main")
        self.assertEqual(self.read("tools/bin"), "from main")

    def test_a_key_is_one_entry_per_ref_and_the_runs_own_comes_first(self):
        os.environ["GITHUB_REF"] = "refs/heads/main"
        self.save("k")
        os.environ["GITHUB_REF"] = "refs/heads/dev"
        self.write("tools/bin", "from dev")
        self.save("k")
        self.wipe()
        self.assertEqual(self.restore("k")["cache-hit"], "true")
        self.assertEqual(self.read("tools/bin"), "from dev")


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
