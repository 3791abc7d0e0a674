"""The provider registry stand-in answers as the Provider Registry Protocol
says and as tofu checks: discovery, versions, a download document whose
shasum is the zip's and whose SHA256SUMS line names it, a signature that
the key it hands out verifies (gpg), the same zip for the same binary, and
404 for another version or file.

Usage: provider_registry_test.py   (run by //tools/rehearsal:provider_registry_test)
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import provider_registry as registry  # noqa: E402

HOST = "registry.example.invalid"
BASE = "/v1/providers/hashicorp/aws/"


class RegistryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("gpg"):
            raise AssertionError("gpg not found: tools/bootstrap installs gnupg (tools/deps/debian-packages-rehearsal.txt)")
        cls.tmp = tempfile.mkdtemp()
        cls.binary = os.path.join(cls.tmp, "terraform-provider-aws_v5.46.0")
        with open(cls.binary, "wb") as f:
            f.write(b"\x7fELF not really a provider\n")
        cls.out = os.path.join(cls.tmp, "registry")
        cls.meta = registry.prepare(cls.binary, "5.46.0", cls.out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def get(self, path):
        status, kind, body = registry.answer(path, HOST, self.out)
        return status, (json.loads(body) if kind == "application/json" else body)

    def test_discovery_names_the_providers_api(self):
        self.assertEqual(self.get("/.well-known/terraform.json"), (200, {"providers.v1": "/v1/providers/"}))

    def test_versions_lists_the_one_version_for_linux_amd64(self):
        status, body = self.get(BASE + "versions")
        self.assertEqual(status, 200)
        self.assertEqual(body["versions"], [{"version": "5.46.0", "protocols": ["5.0"],
                                             "platforms": [{"os": "linux", "arch": "amd64"}]}])

    def test_download_document_and_files_agree(self):
        status, doc = self.get(BASE + "5.46.0/download/linux/amd64")
        self.assertEqual(status, 200)
        files = "https://%s/files/" % HOST
        self.assertEqual(doc["filename"], "terraform-provider-aws_5.46.0_linux_amd64.zip")
        self.assertEqual(doc["download_url"], files + doc["filename"])
        package = self.get("/files/" + doc["filename"])[1]
        self.assertEqual(hashlib.sha256(package).hexdigest(), doc["shasum"])
        sums = self.get(doc["shasums_url"][len("https://" + HOST):])[1].decode()
        self.assertEqual(sums, "%s  %s\n" % (doc["shasum"], doc["filename"]))
        with zipfile.ZipFile(os.path.join(self.out, doc["filename"])) as z:
            self.assertEqual(z.namelist(), ["terraform-provider-aws_v5.46.0_x5"])

    def test_signature_verifies_with_the_key_handed_out(self):
        _, doc = self.get(BASE + "5.46.0/download/linux/amd64")
        key = doc["signing_keys"]["gpg_public_keys"][0]
        home = tempfile.mkdtemp()
        try:
            env = dict(os.environ, GNUPGHOME=home)
            subprocess.run(["gpg", "--batch", "--import"], input=key["ascii_armor"].encode(), env=env,
                           check=True, capture_output=True)
            sums = os.path.join(self.out, registry.sums_name("5.46.0"))
            good = subprocess.run(["gpg", "--batch", "--verify", sums + ".sig", sums], env=env, capture_output=True)
            self.assertEqual(good.returncode, 0, good.stderr)
            tampered = os.path.join(home, "SHA256SUMS")
            with open(sums, encoding="utf-8") as f, open(tampered, "w", encoding="utf-8") as t:
                t.write(f.read().replace("linux", "linux2"))
            bad = subprocess.run(["gpg", "--batch", "--verify", sums + ".sig", tampered], env=env, capture_output=True)
            self.assertNotEqual(bad.returncode, 0)
        finally:
            shutil.rmtree(home)

    def test_the_same_binary_gives_the_same_zip(self):
        again = os.path.join(self.tmp, "again")
        os.makedirs(again)
        first = registry.build_zip(self.binary, "5.46.0", again)
        self.assertEqual(registry.sha256_file(first), self.meta["shasum"])

    def test_other_versions_and_files_are_not_found(self):
        self.assertEqual(self.get(BASE + "5.47.0/download/linux/amd64")[0], 404)
        self.assertEqual(self.get("/files/registry.json")[0], 404)
        self.assertEqual(self.get("/v1/providers/hashicorp/random/versions")[0], 404)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "infra"))
    import junit  # noqa: E402
    sys.exit(junit.main(__name__))
