#!/usr/bin/env python3
"""provider_registry: the Terraform/OpenTofu provider registry, stood in for
tools/dev pipeline --cold-runner, serving the locally built AWS provider.

On a GitHub runner, `tools/infra/install-aws-provider` finds no source
archive and runs `tofu providers mirror`, which speaks the Provider Registry
Protocol to the registry host tofu assumes for hashicorp/aws. The rehearsal
answers that host (through aws_proxy.py, with its local CA) with this:
  - GET /.well-known/terraform.json        service discovery (providers.v1)
  - GET /v1/providers/hashicorp/aws/versions
  - GET /v1/providers/hashicorp/aws/<version>/download/linux/amd64
        filename, download_url, shasum, shasums_url, shasums_signature_url
        and the public key that signed the SHA256SUMS
  - GET /files/<name>                      the zip, SHA256SUMS, its signature
so tofu downloads, checks the zip against SHA256SUMS, verifies their
signature with the key, and unpacks, exactly as from the real registry.

`prepare` builds those files once from the local build: a zip holding
terraform-provider-aws_v<version>_x5 (fixed timestamps, so the same binary
gives the same sha256), SHA256SUMS, and a detached signature by a GPG key
made for this rehearsal (gpg, batch mode, in a throwaway GNUPGHOME).

Usage: provider_registry.py prepare --binary FILE --version V --out DIR
       (the proxy imports it and calls answer())
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

PROTOCOLS = ["5.0"]
NAMESPACE, TYPE = "hashicorp", "aws"


def zip_name(version):
    return "terraform-provider-%s_%s_linux_amd64.zip" % (TYPE, version)


def sums_name(version):
    return "terraform-provider-%s_%s_SHA256SUMS" % (TYPE, version)


def build_zip(binary, version, out):
    """The provider as the registry ships it, byte-identical for one binary."""
    path = os.path.join(out, zip_name(version))
    info = zipfile.ZipInfo("terraform-provider-%s_v%s_x5" % (TYPE, version), date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o755 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(binary, "rb") as f, zipfile.ZipFile(path, "w") as z:
        z.writestr(info, f.read())
    return path


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sign(sums, out):
    """(key id, ASCII-armoured public key): a new key signs SHA256SUMS."""
    home = tempfile.mkdtemp(prefix="gnupg-")
    try:
        env = dict(os.environ, GNUPGHOME=home)
        gpg = ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""]
        subprocess.run(gpg + ["--quick-gen-key", "civet-api rehearsal provider registry", "rsa2048", "sign", "1d"],
                       env=env, check=True, capture_output=True)
        listing = subprocess.run(["gpg", "--batch", "--with-colons", "--list-keys"], env=env, check=True,
                                 capture_output=True, text=True).stdout
        key_id = next(line.split(":")[4] for line in listing.splitlines() if line.startswith("pub:"))
        armor = subprocess.run(["gpg", "--batch", "--armor", "--export", key_id], env=env, check=True,
                               capture_output=True, text=True).stdout
        subprocess.run(gpg + ["--detach-sign", "--output", sums + ".sig", sums], env=env, check=True,
                       capture_output=True)
        return key_id, armor
    finally:
        shutil.rmtree(home, ignore_errors=True)


def prepare(binary, version, out):
    os.makedirs(out, exist_ok=True)
    package = build_zip(binary, version, out)
    shasum = sha256_file(package)
    sums = os.path.join(out, sums_name(version))
    with open(sums, "w", encoding="utf-8") as f:
        f.write("%s  %s\n" % (shasum, os.path.basename(package)))
    key_id, armor = sign(sums, out)
    meta = {"version": version, "shasum": shasum, "key_id": key_id, "ascii_armor": armor}
    with open(os.path.join(out, "registry.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    return meta


def load(out):
    with open(os.path.join(out, "registry.json"), encoding="utf-8") as f:
        return json.load(f)


def answer(path, host, out):
    """(status, content type, body bytes) for a GET of PATH on HOST."""
    meta = load(out)
    version = meta["version"]
    base = "/v1/providers/%s/%s/" % (NAMESPACE, TYPE)
    path = path.split("?", 1)[0]
    if path == "/.well-known/terraform.json":
        return 200, "application/json", json.dumps({"providers.v1": "/v1/providers/"}).encode()
    if path == base + "versions":
        body = {"versions": [{"version": version, "protocols": PROTOCOLS,
                              "platforms": [{"os": "linux", "arch": "amd64"}]}]}
        return 200, "application/json", json.dumps(body).encode()
    if path.startswith(base) and path.endswith("/download/linux/amd64"):
        asked = path[len(base):].split("/", 1)[0]
        if asked != version:
            return 404, "application/json", json.dumps({"errors": ["Not Found"]}).encode()
        files = "https://%s/files/" % host
        body = {
            "protocols": PROTOCOLS, "os": "linux", "arch": "amd64",
            "filename": zip_name(version), "download_url": files + zip_name(version),
            "shasums_url": files + sums_name(version), "shasums_signature_url": files + sums_name(version) + ".sig",
            "shasum": meta["shasum"],
            "signing_keys": {"gpg_public_keys": [{"key_id": meta["key_id"], "ascii_armor": meta["ascii_armor"],
                                                  "trust_signature": "", "source": "rehearsal", "source_url": None}]},
        }
        return 200, "application/json", json.dumps(body).encode()
    if path.startswith("/files/"):
        name = os.path.basename(path)
        if name in (zip_name(version), sums_name(version), sums_name(version) + ".sig"):
            with open(os.path.join(out, name), "rb") as f:
                return 200, "application/octet-stream", f.read()
    return 404, "application/json", json.dumps({"errors": ["Not Found"]}).encode()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="build the zip, SHA256SUMS and signature from a provider binary")
    p.add_argument("--binary", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if not os.path.isfile(args.binary):
        parser.error("--binary %s: no such file" % args.binary)
    meta = prepare(args.binary, args.version, args.out)
    print("provider registry: %s, sha256 %s, signed by %s" % (zip_name(args.version), meta["shasum"], meta["key_id"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
