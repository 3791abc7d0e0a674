/* sha256.h - SHA-256 over a stream of bytes (OpenSSL EVP), as OCI digests.
 *
 * Results are written as "sha256:" followed by 64 lowercase hex digits,
 * the form used in descriptors, diff_ids and blob names. */
#ifndef OCI_SHA256_H
#define OCI_SHA256_H

#include <stddef.h>

#include "oci_error.h"

/* "sha256:" + 64 hex digits; buffers are OCI_DIGEST_LEN + 1 bytes. */
#define OCI_DIGEST_PREFIX "sha256:"
#define OCI_DIGEST_LEN 71

struct sha256 {
    void *md_ctx; /* EVP_MD_CTX, opaque here */
};

int sha256_init(struct sha256 *hash, struct oci_error *err);
int sha256_update(struct sha256 *hash, const void *data, size_t len,
                  struct oci_error *err);
/* Writes the digest string into out (OCI_DIGEST_LEN + 1 bytes) and frees. */
int sha256_final(struct sha256 *hash, char *out, struct oci_error *err);
/* Frees without a result (safe after sha256_final, or twice). */
void sha256_free(struct sha256 *hash);

/* The digest string of one buffer. */
int sha256_of(const void *data, size_t len, char *out, struct oci_error *err);

/* 1 when text is "sha256:" + 64 lowercase hex digits, else 0. */
int sha256_is_digest(const char *text);

/* The 64 hex digits of a digest string (the part after "sha256:"). */
const char *sha256_hex(const char *digest);

#endif
